//! The PDF as a reader and a printer see it: pdftotext returns the exact Thai, pdffonts
//! shows Sarabun embedded and subset with a Unicode map, and the layout puts each part
//! where the regulation says.

mod engines;
mod golden;
mod letter;
mod linebreaks;
mod wrapping;

/// The repository's root (the Python checkers live in tests/pdf-engines).
pub fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python of the checkers' venv (scripts/setup-deps.sh makes it), else `python3`.
pub fn python() -> std::process::Command {
    let venv = repo().join("tests/pdf-engines/.venv/bin/python");
    std::process::Command::new(if venv.exists() {
        venv
    } else {
        "python3".into()
    })
}
