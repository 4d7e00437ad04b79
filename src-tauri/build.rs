fn main() {
    // tauri.conf.json lives at the repository root, next to `icons/` and `ui/`.
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
    {
        panic!("tauri build step failed: {error:#}");
    }
}
