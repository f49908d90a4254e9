//! Measuring and wrapping Thai text: widths come from shaping with rustybuzz (the same
//! shaper krilla draws with, so a measured line is exactly the drawn line), and break
//! opportunities from ICU4X's Unicode line breaker with its Thai dictionary — Thai has no
//! spaces between words, so a line may only end where a word ends.

use std::collections::HashSet;
use std::sync::OnceLock;

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

/// PyThaiNLP's Thai word list (CC0; data/README.md).
const WORDS: &str = include_str!("../data/words_th.txt");

fn words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        WORDS
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    })
}

/// The longest word looked up, in characters.
const MAX_WORD: usize = 32;

/// Thai letters and marks (not digits or ฯ/๏ signs): the text a word list segments.
fn is_thai_letter(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E4E}')
}

/// Whether a Thai word may start at `i` (a Thai character cluster boundary): not before a
/// mark, a following vowel or ๆ/ฯ, and not after a leading vowel (เ แ โ ใ ไ).
fn may_start(c: &[char], i: usize) -> bool {
    if i == 0 || i == c.len() {
        return true;
    }
    let follows = matches!(
        c[i],
        '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}' | '\u{0E46}' | '\u{0E2F}'
    ) || is_thai_combining(c[i]);
    let leads = matches!(c[i - 1], '\u{0E40}'..='\u{0E44}');
    !follows && !leads
}

/// Splits a run of Thai letters into words of the word list: the fewest characters left
/// outside any word, then the fewest words (maximal matching, as PyThaiNLP's `newmm`).
/// With `parts`, the run itself does not count as a word: a compound comes out in its
/// parts (หนังสือ|ราชการ), for a line too narrow for the whole. Returns the character
/// offsets where words end.
fn thai_words(c: &[char], parts: bool) -> Vec<usize> {
    let dict = words();
    let n = c.len();
    // best[i]: (characters outside words, words) for c[..i], and where it came from
    let mut best: Vec<Option<((usize, usize), usize)>> = vec![None; n + 1];
    best[0] = Some(((0, 0), 0));
    let mut word = String::new();
    for i in 0..n {
        let Some(((unknown, count), _)) = best[i] else {
            continue;
        };
        if !may_start(c, i) {
            continue;
        }
        let relax =
            |j: usize, cost: (usize, usize), best: &mut Vec<Option<((usize, usize), usize)>>| {
                if best[j].is_none_or(|(b, _)| cost < b) {
                    best[j] = Some((cost, i));
                }
            };
        word.clear();
        for j in i + 1..=(i + MAX_WORD).min(n) {
            word.push(c[j - 1]);
            let whole = parts && i == 0 && j == n;
            if !whole && may_start(c, j) && dict.contains(word.as_str()) {
                relax(j, (unknown, count + 1), &mut best);
            }
        }
        // or one character cluster outside any word (costs its characters)
        let mut j = i + 1;
        while j < n && !may_start(c, j) {
            j += 1;
        }
        relax(j, (unknown + (j - i), count + 1), &mut best);
    }
    let mut ends = Vec::new();
    let mut j = n;
    while j > 0 {
        ends.push(j);
        j = best[j].map_or(0, |(_, from)| from);
    }
    ends.reverse();
    ends
}

/// Byte offsets where a line may end (after the segment), excluding 0: between words of
/// the word list inside Thai text — ICU's Thai dictionary splits words (ผลก|า|รดำ,
/// ความเหมาะ|สม, โรง|พยาบาล) — and ICU's line breaks elsewhere (spaces, Latin, digits).
fn break_points(text: &str, parts: bool) -> Vec<usize> {
    static SEG: OnceLock<icu_segmenter::LineSegmenterBorrowed<'static>> = OnceLock::new();
    let seg = SEG.get_or_init(|| LineSegmenter::new_dictionary(LineBreakOptions::default()));
    let icu: Vec<usize> = seg.segment_str(text).filter(|&i| i > 0).collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Thai runs as byte ranges, with the word ends inside them
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut inner: Vec<usize> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !is_thai_letter(chars[k].1) {
            k += 1;
            continue;
        }
        let start = k;
        while k < chars.len() && is_thai_letter(chars[k].1) {
            k += 1;
        }
        let run: Vec<char> = chars[start..k].iter().map(|&(_, c)| c).collect();
        let byte = |ci: usize| chars.get(start + ci).map_or(text.len(), |&(b, _)| b);
        let mut from = 0;
        for end in thai_words(&run, false) {
            if end < run.len() {
                inner.push(byte(end));
            }
            if parts {
                for part in thai_words(&run[from..end], true) {
                    if from + part < end {
                        inner.push(byte(from + part));
                    }
                }
            }
            from = end;
        }
        runs.push((byte(0), byte(run.len())));
    }
    let inside = |b: usize| runs.iter().any(|&(s, e)| b > s && b < e);
    let mut out: Vec<usize> = icu.into_iter().filter(|&b| !inside(b)).collect();
    out.extend(inner);
    out.sort_unstable();
    out.dedup();
    out
}

/// Wraps one paragraph (no newlines) into lines no wider than `width`, the first line
/// `first_indent` narrower. A single word wider than a line is cut by characters.
pub fn wrap(m: &Measure, text: &str, size: f32, width: f32, first_indent: f32) -> Vec<String> {
    let text = text.trim_end();
    if text.is_empty() {
        return vec![String::new()];
    }
    let breaks = break_points(text, false);
    // for a line too narrow for a whole compound: its parts
    let mut parts: Option<Vec<usize>> = None;
    let mut lines = Vec::new();
    let mut start = 0usize;
    let avail = |n: usize| if n == 0 { width - first_indent } else { width };
    while start < text.len() {
        let limit = avail(lines.len());
        // The furthest break that still fits (widths grow with the text: a binary search).
        let after = breaks.partition_point(|&b| b <= start);
        let fits = |b: usize| m.width(text[start..b].trim_end(), size) <= limit;
        let n_fit = breaks[after..].partition_point(|&b| fits(b));
        let best = (n_fit > 0).then(|| breaks[after + n_fit - 1]);
        let best = best.or_else(|| {
            let parts = parts.get_or_insert_with(|| break_points(text, true));
            let after = parts.partition_point(|&b| b <= start);
            let n_fit = parts[after..].partition_point(|&b| fits(b));
            (n_fit > 0).then(|| parts[after + n_fit - 1])
        });
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
        lines.push((start, end));
        start = end;
        // Spaces at the start of a continuation line are dropped.
        while text[start..].starts_with(' ') {
            start += 1;
        }
    }
    // No paragraph ends with one lone segment (a syllable such as สม on a line of its
    // own): the line before gives its last segment to the last line when that still fits.
    let n = lines.len();
    if n >= 2 {
        let (prev_start, prev_end) = lines[n - 2];
        let (last_start, last_end) = lines[n - 1];
        let lone = !breaks.iter().any(|&b| b > last_start && b < last_end);
        if lone {
            let limit = avail(n - 1);
            let moved = breaks
                .iter()
                .copied()
                .filter(|&b| b > prev_start && b < prev_end)
                .filter(|&b| {
                    let from = b + text[b..].len() - text[b..].trim_start_matches(' ').len();
                    m.width(&text[from..last_end], size) <= limit
                })
                .max();
            if let Some(b) = moved {
                let from = b + text[b..].len() - text[b..].trim_start_matches(' ').len();
                lines[n - 2] = (prev_start, b);
                lines[n - 1] = (from, last_end);
            }
        }
    }
    lines
        .into_iter()
        .map(|(a, b)| text[a..b].trim_end().to_owned())
        .collect()
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
        let breaks = break_points(text, false);
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

/// One glyph of a shaped line as it is drawn: where, and the text it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub glyph: u32,
    /// From the line's start, in em; `y` is the shaper's vertical offset, in em.
    pub x: f32,
    pub y: f32,
    /// The glyph's own advance, in em.
    pub advance: f32,
    /// The shaper's cluster (a letter with its marks): where it starts in the text.
    pub cluster: usize,
    /// The characters this glyph stands for, or `None` for a piece of another glyph's
    /// character (the ํ of a split ำ), drawn as an outline.
    pub text: Option<String>,
}

const SARA_AM: char = '\u{0E33}';
const NIKHAHIT: char = '\u{0E4D}';
const SARA_AA: char = '\u{0E32}';

impl Measure<'_> {
    /// Shapes `text` and gives each glyph its own characters, in reading order, so that a
    /// reader building text from the font's Unicode map alone (PDF.js, MuPDF, pypdf and
    /// pdfminer ignore `/ActualText`) reads back exactly `text`.
    ///
    /// Within one cluster (a letter with its marks, as the shaper groups it), each
    /// character goes to the glyph the font maps it to, the rest in order; ำ, which Thai
    /// fonts draw as ํ + า, is carried by its า (the ํ is drawn as an outline). See
    /// ARCHITECTURE.md, "Letters every PDF reader can read".
    pub fn glyphs(&self, text: &str) -> Vec<Placed> {
        if text.is_empty() {
            return Vec::new();
        }
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        let out = rustybuzz::shape(&self.face, &[], buf);
        let infos = out.glyph_infos();
        let pos = out.glyph_positions();
        let mut pen = 0i32;
        let mut at = Vec::with_capacity(infos.len());
        for p in pos {
            at.push((
                (pen + p.x_offset) as f32 / self.upem,
                p.y_offset as f32 / self.upem,
                p.x_advance != 0,
                p.x_advance as f32 / self.upem,
            ));
            pen += p.x_advance;
        }
        let gid = |c: char| self.face.glyph_index(c).map(|g| u32::from(g.0));
        let mut placed = Vec::with_capacity(infos.len());
        let mut i = 0;
        while i < infos.len() {
            let cluster = infos[i].cluster as usize;
            let mut j = i;
            while j < infos.len() && infos[j].cluster as usize == cluster {
                j += 1;
            }
            let end = infos.get(j).map_or(text.len(), |g| g.cluster as usize);
            let chars: Vec<char> = text.get(cluster..end).unwrap_or("").chars().collect();
            let glyphs: Vec<u32> = infos[i..j].iter().map(|g| g.glyph_id).collect();
            // Atoms: (character index, the character drawn, whether it carries the text).
            let whole_am = glyphs.iter().any(|&g| Some(g) == gid(SARA_AM));
            let mut atoms: Vec<(usize, char, bool)> = Vec::new();
            for (ci, &c) in chars.iter().enumerate() {
                if c == SARA_AM && !whole_am {
                    atoms.push((ci, NIKHAHIT, false));
                    atoms.push((ci, SARA_AA, true));
                } else {
                    atoms.push((ci, c, true));
                }
            }
            let mut glyph_of: Vec<Option<usize>> = vec![None; atoms.len()];
            let mut taken = vec![false; glyphs.len()];
            for (a, &(_, c, _)) in atoms.iter().enumerate() {
                if let Some(k) = (0..glyphs.len()).find(|&k| !taken[k] && Some(glyphs[k]) == gid(c))
                {
                    glyph_of[a] = Some(k);
                    taken[k] = true;
                }
            }
            for a in 0..atoms.len() {
                if glyph_of[a].is_none() {
                    glyph_of[a] = Some(match (0..glyphs.len()).find(|&k| !taken[k]) {
                        Some(k) => {
                            taken[k] = true;
                            k
                        }
                        None => (0..a).rev().find_map(|b| glyph_of[b]).unwrap_or(0),
                    });
                }
            }
            // Each glyph stands for the characters of its atoms that carry text.
            let mut texts: Vec<String> = vec![String::new(); glyphs.len()];
            let mut first_char: Vec<Option<usize>> = vec![None; glyphs.len()];
            for (a, &(ci, _, carries)) in atoms.iter().enumerate() {
                let k = glyph_of[a].unwrap_or(0);
                if carries {
                    texts[k].push(chars[ci]);
                    first_char[k].get_or_insert(ci);
                }
            }
            let mut order: Vec<usize> = (0..glyphs.len()).collect();
            order.sort_by_key(|&k| (first_char[k].unwrap_or(usize::MAX), k));
            // Marks stacked on one letter (ที่: ี then ่) read as one: the first carries
            // both and the next is drawn as a piece. Two glyphs of no width in a row make
            // pdfminer start a new line between them.
            let mut stack: Option<usize> = None;
            for &k in &order {
                if texts[k].is_empty() {
                    continue;
                }
                if at[i + k].2 {
                    stack = None;
                } else if let Some(first) = stack {
                    let t = std::mem::take(&mut texts[k]);
                    texts[first].push_str(&t);
                } else {
                    stack = Some(k);
                }
            }
            for k in order {
                placed.push(Placed {
                    glyph: glyphs[k],
                    x: at[i + k].0,
                    y: at[i + k].1,
                    advance: at[i + k].3,
                    cluster,
                    text: (!texts[k].is_empty()).then(|| std::mem::take(&mut texts[k])),
                });
            }
            i = j;
        }
        placed
    }
}
