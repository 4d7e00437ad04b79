// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match interview_copilot::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "interview-copilot: cannot start the window ({error}): check that a display is available (DISPLAY or WAYLAND_DISPLAY) and WebKitGTK 4.1 is installed"
            );
            std::process::ExitCode::FAILURE
        }
    }
}
