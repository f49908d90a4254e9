//! Measuring and wrapping Thai text: widths come from shaping with rustybuzz (the same
//! shaper krilla draws with, so a measured line is exactly the drawn line), and break
//! opportunities from ICU4X's Unicode line breaker with its Thai dictionary — Thai has no
//! spaces between words, so a line may only end where a word ends.

use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;

/// One font face ready for measuring.
pub struct Measure<'a> {
    face: rustybuzz::Face<'a>,
    upem: f32,
}

impl<'a> Measure<'a> {
    pub fn new(data: &'a [u8]) -> Option<Self> {
        let face = rustybuzz::Face::from_slice(data, 0)?;
        let upem = face.units_per_em() as f32;
        Some(Measure { face, upem })
    }

    /// Advance width of `text` shaped as one run, in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        let out = rustybuzz::shape(&self.face, &[], buf);
        let units: i32 = out.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.upem
    }
}

/// Byte offsets where a line may end (after the segment), excluding 0.
fn break_points(text: &str) -> Vec<usize> {
    let seg = LineSegmenter::new_dictionary(LineBreakOptions::default());
    seg.segment_str(text).filter(|&i| i > 0).collect()
}

/// Wraps one paragraph (no newlines) into lines no wider than `width`, the first line
/// `first_indent` narrower. A single word wider than a line is cut by characters.
pub fn wrap(m: &Measure, text: &str, size: f32, width: f32, first_indent: f32) -> Vec<String> {
    let text = text.trim_end();
    if text.is_empty() {
        return vec![String::new()];
    }
    let breaks = break_points(text);
    let mut lines = Vec::new();
    let mut start = 0usize;
    let avail = |n: usize| if n == 0 { width - first_indent } else { width };
    while start < text.len() {
        let limit = avail(lines.len());
        // The furthest break that still fits.
        let mut best: Option<usize> = None;
        for &b in breaks.iter().filter(|&&b| b > start) {
            let candidate = text[start..b].trim_end();
            if m.width(candidate, size) <= limit {
                best = Some(b);
            } else {
                break;
            }
        }
        let end = match best {
            Some(b) => b,
            None => {
                // No break fits: cut the overlong word at the last character that fits.
                let mut end = start;
                for (i, c) in text[start..].char_indices() {
                    let next = start + i + c.len_utf8();
                    if m.width(&text[start..next], size) > limit && end > start {
                        break;
                    }
                    end = next;
                }
                // Never split a base character from its combining marks.
                while end < text.len() && text[end..].chars().next().is_some_and(is_thai_combining)
                {
                    end += text[end..].chars().next().map_or(1, char::len_utf8);
                }
                end
            }
        };
        lines.push(text[start..end].trim_end().to_owned());
        start = end;
        // Spaces at the start of a continuation line are dropped.
        while text[start..].starts_with(' ') {
            start += 1;
        }
    }
    lines
}

fn is_thai_combining(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Arabic digits → Thai digits (๐–๙).
pub fn thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('๐' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FONT: &[u8] = include_bytes!("../../../assets/fonts/Sarabun-Regular.ttf");

    #[test]
    fn thai_breaks_only_between_words() {
        let m = Measure::new(FONT).unwrap();
        let text = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลกขอส่งต่อผู้สูงอายุเพื่อรับการช่วยเหลือ";
        let lines = wrap(&m, text, 10.8, 120.0, 0.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat(), text);
        for l in &lines {
            assert!(m.width(l, 10.8) <= 120.0 + 0.01, "{l}");
            // no line starts with a combining mark (a word was never cut mid-syllable)
            assert!(!is_thai_combining(l.chars().next().unwrap()), "{l}");
        }
        // every line ends where the dictionary says a word ends
        let breaks = break_points(text);
        let mut at = 0;
        for l in &lines[..lines.len() - 1] {
            at += l.len();
            assert!(breaks.contains(&at), "{lines:?}");
        }
    }

    #[test]
    fn digits_become_thai() {
        assert_eq!(thai_digits("พล 0027/123 ปี 2569"), "พล ๐๐๒๗/๑๒๓ ปี ๒๕๖๙");
    }
}
