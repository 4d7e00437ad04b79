//! The default library of jobs shipped with the app, compiled in.

use copilot_domain::JobDefinition;

/// The bundled library files, by file name, as JSON text (`interview-copilot/job@1`).
pub const BUNDLED_LIBRARY_FILES: [(&str, &str); 6] = [
    ("sales_rep.json", include_str!("../library/sales_rep.json")),
    (
        "workshop_supervisor.json",
        include_str!("../library/workshop_supervisor.json"),
    ),
    (
        "product_manager.json",
        include_str!("../library/product_manager.json"),
    ),
    (
        "primary_teacher.json",
        include_str!("../library/primary_teacher.json"),
    ),
    (
        "software_engineer.json",
        include_str!("../library/software_engineer.json"),
    ),
    (
        "customer_service_lead.json",
        include_str!("../library/customer_service_lead.json"),
    ),
];

/// The bundled jobs, in [`BUNDLED_LIBRARY_FILES`] order. The files are part of the build and are
/// checked by this crate's tests (they parse, validate and have 3+ questions per competency).
pub fn bundled_library() -> Vec<JobDefinition> {
    BUNDLED_LIBRARY_FILES
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text).unwrap_or_else(|error| {
                panic!("bundled library file {name} is not a valid job ({error}): fix crates/bank/library/{name}")
            })
        })
        .collect()
}
