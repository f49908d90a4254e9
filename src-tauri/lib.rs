pub fn main_entry() -> i32 {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running Raksa");
    0
}
