/// The app's own IPC commands. Declaring them makes Tauri generate one permission per
/// command, so the window's capability (src-tauri/capabilities/) grants exactly these.
const COMMANDS: &[&str] = &[
    "app_status",
    "set_up_office",
    "unlock",
    "reset_password",
    "lock",
    "activity",
    "search_cases",
    "search_people",
    "register_person",
    "get_person",
    "open_case",
    "list_users",
    "add_user",
    "set_user_active",
    "change_password",
    "get_settings",
    "update_settings",
    "audit_log",
    "get_case",
    "change_stage",
    "request_approval",
    "decide_approval",
    "reopen_case",
    "assign_case",
    "add_note",
    "add_home_visit",
    "add_assistance",
    "add_correction",
    "work_list",
    "deadline_rules",
    "set_deadline_rule",
    "search_places",
    "fact_finding",
    "save_fact_finding",
    "submit_fact_finding",
    "reopen_fact_finding",
    "add_attachment",
    "get_attachment",
    "remove_attachment",
    "person_household",
    "create_household",
    "add_household_member",
    "end_household_membership",
    "set_case_household",
    "add_plan_item",
    "update_plan_item",
    "install_form_definition",
    "place_children",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
