//! The rendered letter compared with a reference image checked by eye
//! (`tests/golden/letter-page1.png`). Regenerate with `RAKSA_UPDATE_GOLDEN=1` after a
//! deliberate layout change, and look at it before committing.

use std::path::PathBuf;
use std::process::Command;

fn gray(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px: Vec<u8> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|c| {
            c[..channels.min(3)].iter().map(|&v| v as u32).sum::<u32>() as u8
                / channels.min(3) as u8
        })
        .collect();
    (info.width, info.height, px)
}

#[test]
fn the_letter_looks_like_the_reference() {
    let (letter, form) = crate::letter::sample();
    let pdf = raksa_letter::render(&letter, Some(&form), true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("l.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args([
            "-r",
            "50",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&p)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(st.success());
    let got = out.with_extension("png");
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/letter-page1.png");
    if std::env::var_os("RAKSA_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        std::fs::copy(&got, &reference).unwrap();
    }
    let (w1, h1, a) = gray(&reference);
    let (w2, h2, b) = gray(&got);
    assert_eq!((w1, h1), (w2, h2));
    let differing = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.abs_diff(**y) > 64)
        .count();
    let share = differing as f64 / a.len() as f64;
    assert!(
        share < 0.003,
        "{:.3}% of pixels differ from the reference",
        share * 100.0
    );
}
