//! Official Thai external letters (หนังสือภายนอก, ระเบียบงานสารบรรณ พ.ศ. ๒๕๒๖) and the
//! attached referral form with its tear-off reply slip, as A4 PDF.
//!
//! Everything here is layout: the caller (raksa-core) decides every string — digits,
//! dates, what the referral may disclose. Text is shaped (stacked Thai marks never
//! collide), wrapped at Thai word boundaries, drawn in Sarabun embedded and subset, and
//! extractable (`pdftotext` returns the same Thai).
//!
//! Sizes: Sarabun is drawn ~1.48× larger than TH Sarabun New, so the government's
//! "TH Sarabun 16 pt" is Sarabun 10.8 pt here (domain reference §3); line pitch 18.5 pt.

mod text;

use std::cell::RefCell;
use std::collections::HashMap;

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};
pub use text::{Measure, Placed, thai_digits, wrap};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Sarabun-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/Sarabun-Bold.ttf");

const CM: f32 = 28.346_457;
const PAGE_W: f32 = 595.275_6;
const PAGE_H: f32 = 841.889_8;
const LEFT: f32 = 3.0 * CM;
const RIGHT: f32 = PAGE_W - 2.0 * CM;
const WIDTH: f32 = RIGHT - LEFT;
const CENTER: f32 = PAGE_W / 2.0;
const BOTTOM: f32 = PAGE_H - 2.0 * CM;
/// Sarabun size matching TH Sarabun 16 pt.
pub const BODY_SIZE: f32 = 10.8;
const LINE: f32 = 18.5;
const GAP: f32 = 6.0;
const PARA_INDENT: f32 = 2.5 * CM;
const RED: (u8, u8, u8) = (200, 16, 46);

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the emblem image is not a PNG or JPEG file")]
    BadEmblem,
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

/// A machine-readable file carried inside the PDF (PDF/A-3 allows it): the referral's data
/// as JSON, so a receiving e-Saraban system reads what was referred without retyping it.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// e.g. `referral.json`
    pub file_name: String,
    pub media_type: String,
    pub description: String,
    pub data: Vec<u8>,
    /// When it was made (UTC): year, month 1–12, day, hour, minute, second.
    pub made: (u16, u8, u8, u8, u8, u8),
}

/// The letter, every string final (digits and dates already in the office's style).
#[derive(Debug, Clone, Default)]
pub struct Letter {
    /// ด่วนที่สุด / ด่วนมาก / ด่วน — top left, red.
    pub urgency: Option<String>,
    /// ลับ / ลับมาก / ลับที่สุด — centred top and bottom, red.
    pub secrecy: Option<String>,
    /// The office's Garuda emblem (PNG or JPEG); its 3 cm space is kept either way.
    pub emblem: Option<Vec<u8>>,
    /// `ที่ พล ๐๐๒๗/๑๒๓`
    pub reference: String,
    /// Issuing office name and address, right.
    pub office: Vec<String>,
    /// `๒๓ พฤศจิกายน ๒๕๖๙`
    pub date: String,
    pub subject: String,
    /// The recipient's position (after เรียน).
    pub recipient: String,
    pub refer_to: Option<String>,
    pub enclosures: Vec<String>,
    /// Cause, request, conclusion.
    pub body: Vec<String>,
    /// ขอแสดงความนับถือ
    pub closing: String,
    pub signer_name: String,
    pub signer_position: Vec<String>,
    /// ปฏิบัติราชการแทน…
    pub acting_for: Option<String>,
    /// Owning unit, โทร., โทรสาร, e-mail.
    pub footer: Vec<String>,
    /// สำเนาส่ง
    pub copy_to: Option<String>,
}

/// The referral form (แบบส่งต่อ) that goes with the letter.
#[derive(Debug, Clone, Default)]
pub struct ReferralForm {
    pub title: String,
    /// Lines under the title (case number, date, from, to).
    pub heading: Vec<(String, String)>,
    /// Numbered sections of label/value rows; only what the referral chose to share.
    pub sections: Vec<FormSection>,
    pub reply_slip: ReplySlip,
    /// Page header line on continuation pages, and page numbers use these digits.
    pub thai_digits: bool,
}

#[derive(Debug, Clone, Default)]
pub struct FormSection {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct ReplySlip {
    pub cut_line: String,
    pub title: String,
    pub reference: Vec<String>,
    /// Labels followed by a dotted line to write on.
    pub blanks: Vec<String>,
    /// Tick boxes (e.g. ยุติ / ต้องติดตามต่อ).
    pub choices: Vec<String>,
    pub return_to: Vec<String>,
}

/// A readable record (e.g. everything held about a person, for a PDPA access request):
/// a title, heading rows, then sections of label/value rows and paragraphs.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub title: String,
    pub heading: Vec<(String, String)>,
    pub sections: Vec<RecordSection>,
    pub thai_digits: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RecordSection {
    pub title: String,
    pub rows: Vec<(String, String)>,
    pub paragraphs: Vec<String>,
}

struct Fonts<'a> {
    regular: Font,
    bold: Font,
    m_regular: Measure<'a>,
    m_bold: Measure<'a>,
    /// Copies of each font for glyphs that stand for different text in different places
    /// (ท alone, ที่, ทั้ง): a PDF font maps each glyph to one text, so the n-th text of a
    /// glyph goes into the n-th copy. Index 0 is the font itself.
    copies: RefCell<[Copies; 2]>,
}

#[derive(Default)]
struct Copies {
    fonts: Vec<Font>,
    /// For each glyph, the text it stands for in each copy (`None`: not used there yet).
    texts: HashMap<u32, Vec<Option<String>>>,
}

impl Fonts<'static> {
    fn load() -> Self {
        let regular = Font::new(Data::from(REGULAR), 0).expect("bundled font");
        let bold = Font::new(Data::from(BOLD), 0).expect("bundled font");
        Fonts {
            copies: RefCell::new([
                Copies {
                    fonts: vec![regular.clone()],
                    ..Copies::default()
                },
                Copies {
                    fonts: vec![bold.clone()],
                    ..Copies::default()
                },
            ]),
            regular,
            bold,
            m_regular: Measure::new(REGULAR).expect("bundled font"),
            m_bold: Measure::new(BOLD).expect("bundled font"),
        }
    }

    /// The copy of the font in which every glyph of a cluster can stand for its text
    /// (glyph, text) — `prefer` (the copy of the cluster before it) when it can, so a
    /// line switches fonts as rarely as possible (PDFium drops a space drawn alone in a
    /// font between two others), else the first that can. The cluster is drawn whole in
    /// it, so its `/ActualText` stays whole.
    fn copy_for(&self, bold: bool, cluster: &[(u32, &str)], prefer: Option<usize>) -> usize {
        let mut all = self.copies.borrow_mut();
        let c = &mut all[usize::from(bold)];
        let fits = |c: &Copies, n: usize| {
            cluster.iter().all(|(g, t)| {
                c.texts
                    .get(g)
                    .and_then(|v| v.get(n))
                    .is_none_or(|m| m.as_deref().is_none_or(|m| m == *t))
            })
        };
        let n = prefer
            .filter(|&n| fits(c, n))
            .unwrap_or_else(|| (0..).find(|&n| fits(c, n)).expect("a copy always fits"));
        for (g, t) in cluster {
            let v = c.texts.entry(*g).or_default();
            if v.len() <= n {
                v.resize(n + 1, None);
            }
            v[n].get_or_insert_with(|| (*t).to_owned());
        }
        while c.fonts.len() <= n {
            // krilla tells fonts apart by their data's length, among others: the same
            // font with 4 more zero bytes at the end (ignored by every font reader) is
            // embedded as a font of its own.
            let mut data = if bold { BOLD } else { REGULAR }.to_vec();
            data.resize(data.len() + 4 * c.fonts.len(), 0);
            c.fonts
                .push(Font::new(Data::from(data), 0).expect("bundled font"));
        }
        n
    }

    fn copy(&self, bold: bool, n: usize) -> Font {
        self.copies.borrow()[usize::from(bold)].fonts[n].clone()
    }
}

/// A glyph as Raksa draws it: its cluster's text for `/ActualText`, its own characters
/// for the font's Unicode map (see patches/krilla/RAKSA-PATCH.md).
struct LetterGlyph {
    glyph: u32,
    cluster: std::ops::Range<usize>,
    own: std::ops::Range<usize>,
    advance: f32,
    y: f32,
}

impl Glyph for LetterGlyph {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.glyph)
    }
    fn text_range(&self) -> std::ops::Range<usize> {
        self.cluster.clone()
    }
    fn codepoint_range(&self) -> Option<std::ops::Range<usize>> {
        Some(self.own.clone())
    }
    fn x_advance(&self, size: f32) -> f32 {
        self.advance * size
    }
    fn x_offset(&self, _size: f32) -> f32 {
        0.0
    }
    fn y_offset(&self, size: f32) -> f32 {
        self.y * size
    }
    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }
    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// A page being filled top to bottom; starts a new page when the next line would not fit.
struct Writer<'f> {
    fonts: &'f Fonts<'static>,
    pages: Vec<Vec<Op>>,
    y: f32,
    thai: bool,
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        red: bool,
        text: String,
    },
    Image {
        data: Vec<u8>,
        x: f32,
        y: f32,
        h: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        dashed: bool,
    },
    Box {
        x: f32,
        y: f32,
        s: f32,
    },
}

impl<'f> Writer<'f> {
    fn new(fonts: &'f Fonts<'static>, thai: bool) -> Self {
        Writer {
            fonts,
            pages: vec![Vec::new()],
            y: 0.0,
            thai,
        }
    }
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }
    fn measure(&self, bold: bool) -> &Measure<'static> {
        if bold {
            &self.fonts.m_bold
        } else {
            &self.fonts.m_regular
        }
    }
    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        self.measure(bold).width(text, size)
    }
    /// Starts a new page now unless `height` more points fit on this one (keeps a block
    /// such as the signature or the footer together).
    fn keep_together(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.y = BOTTOM + 1.0;
            self.advance(0.0);
        }
    }
    /// Moves to the next baseline, breaking the page if needed.
    fn advance(&mut self, by: f32) {
        self.y += by;
        if self.y > BOTTOM {
            self.pages.push(Vec::new());
            let n = self.pages.len().to_string();
            let n = if self.thai { thai_digits(&n) } else { n };
            let label = format!("- {n} -");
            let w = self.width(&label, false, BODY_SIZE);
            self.ops().push(Op::Text {
                x: CENTER - w / 2.0,
                y: 1.5 * CM + LINE,
                size: BODY_SIZE,
                bold: false,
                red: false,
                text: label,
            });
            self.y = 1.5 * CM + 3.0 * LINE;
        }
    }
    fn text_at(&mut self, x: f32, text: &str, bold: bool) {
        let y = self.y;
        self.ops().push(Op::Text {
            x,
            y,
            size: BODY_SIZE,
            bold,
            red: false,
            text: text.to_owned(),
        });
    }
    /// A labelled block: `label` at `x`, the text wrapped in a column starting after it.
    fn labelled(&mut self, x: f32, label: &str, text: &str, bold_label: bool) {
        let gap = self.width("  ", false, BODY_SIZE);
        let col = x + self.width(label, bold_label, BODY_SIZE) + gap;
        let lines = wrap(self.measure(false), text, BODY_SIZE, RIGHT - col, 0.0);
        self.text_at(x, label, bold_label);
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                self.advance(LINE);
            }
            self.text_at(col, l, false);
        }
    }
    /// A paragraph across the text width with a first-line indent.
    fn paragraph(&mut self, text: &str, indent: f32) {
        for (pi, para) in text.split('\n').enumerate() {
            if pi > 0 {
                self.advance(LINE);
            }
            let lines = wrap(self.measure(false), para, BODY_SIZE, WIDTH, indent);
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    self.advance(LINE);
                }
                self.text_at(if i == 0 { LEFT + indent } else { LEFT }, l, false);
            }
        }
    }
    fn centred(&mut self, cx: f32, text: &str, bold: bool, size: f32) {
        let w = self.width(text, bold, size);
        let y = self.y;
        self.ops().push(Op::Text {
            x: cx - w / 2.0,
            y,
            size,
            bold,
            red: false,
            text: text.to_owned(),
        });
    }
}

fn emblem_image(data: &[u8]) -> Result<krilla::image::Image, LetterError> {
    let d = Data::from(data.to_vec());
    if data.starts_with(b"\x89PNG") {
        krilla::image::Image::from_png(d, true).map_err(|_| LetterError::BadEmblem)
    } else if data.starts_with(&[0xFF, 0xD8]) {
        krilla::image::Image::from_jpeg(d, true).map_err(|_| LetterError::BadEmblem)
    } else {
        Err(LetterError::BadEmblem)
    }
}

fn lay_out_letter(w: &mut Writer, l: &Letter) {
    // Emblem: 3 cm tall, centred, 1.5 cm from the top (space kept without an image).
    if let Some(img) = &l.emblem {
        w.ops().push(Op::Image {
            data: img.clone(),
            x: CENTER,
            y: 1.5 * CM,
            h: 3.0 * CM,
        });
    }
    if let Some(u) = &l.urgency {
        w.ops().push(Op::Text {
            x: LEFT,
            y: 2.6 * CM,
            size: 21.6,
            bold: true,
            red: true,
            text: u.clone(),
        });
    }
    // ที่ left and the office block right, on the emblem's last line.
    w.y = 4.5 * CM + LINE * 0.8;
    let top = w.y;
    w.text_at(LEFT, &l.reference, false);
    let office_w = l
        .office
        .iter()
        .map(|s| w.width(s, false, BODY_SIZE))
        .fold(0.0, f32::max);
    let ox = (RIGHT - office_w).max(CENTER + 1.0 * CM);
    w.y = top;
    for (i, line) in l.office.iter().enumerate() {
        if i > 0 {
            w.advance(LINE);
        }
        for (j, part) in wrap(w.measure(false), line, BODY_SIZE, RIGHT - ox, 0.0)
            .iter()
            .enumerate()
        {
            if j > 0 {
                w.advance(LINE);
            }
            w.text_at(ox, part, false);
        }
    }
    // Date from the page centre, after a blank line.
    w.advance(2.0 * LINE);
    w.text_at(CENTER, &l.date, false);
    w.advance(2.0 * LINE + GAP);
    w.labelled(LEFT, "เรื่อง", &l.subject, false);
    w.advance(2.0 * LINE + GAP);
    w.labelled(LEFT, "เรียน", &l.recipient, false);
    if let Some(r) = &l.refer_to {
        w.advance(2.0 * LINE + GAP);
        w.labelled(LEFT, "อ้างถึง", r, false);
    }
    if !l.enclosures.is_empty() {
        w.advance(2.0 * LINE + GAP);
        let label = "สิ่งที่ส่งมาด้วย";
        if l.enclosures.len() == 1 {
            w.labelled(LEFT, label, &l.enclosures[0], false);
        } else {
            let gap = w.width("  ", false, BODY_SIZE);
            let col = LEFT + w.width(label, false, BODY_SIZE) + gap;
            w.text_at(LEFT, label, false);
            for (i, e) in l.enclosures.iter().enumerate() {
                if i > 0 {
                    w.advance(LINE);
                }
                let n = (i + 1).to_string();
                let n = if w.thai { thai_digits(&n) } else { n };
                w.labelled(col, &format!("{n}."), e, false);
            }
        }
    }
    // A blank line and 6 pt before the body; 6 pt between its parts.
    for (i, part) in l.body.iter().enumerate() {
        w.advance(if i == 0 { 2.0 * LINE + GAP } else { LINE + GAP });
        w.paragraph(part, PARA_INDENT);
    }
    // Closing from the centre; signature space; name, position, acting-for centred on it.
    let sig_lines = 6 + l.signer_position.len() + usize::from(l.acting_for.is_some());
    w.advance(2.0 * LINE + GAP);
    w.keep_together(sig_lines as f32 * LINE);
    w.text_at(CENTER, &l.closing, false);
    let cx = CENTER + w.width(&l.closing, false, BODY_SIZE) / 2.0;
    w.advance(4.0 * LINE);
    w.centred(cx, &format!("({})", l.signer_name), false, BODY_SIZE);
    for p in &l.signer_position {
        w.advance(LINE);
        w.centred(cx, p, false, BODY_SIZE);
    }
    if let Some(a) = &l.acting_for {
        w.advance(LINE);
        w.centred(cx, a, false, BODY_SIZE);
    }
    // Owning unit and contacts bottom left: at the foot of the page when there is room.
    let needed = (l.footer.len() + usize::from(l.copy_to.is_some()) * 2) as f32 * LINE;
    let foot_top = BOTTOM - needed;
    if w.y + 2.0 * LINE <= foot_top {
        w.y = foot_top;
    } else {
        w.advance(2.0 * LINE);
        w.keep_together(needed);
    }
    for (i, f) in l.footer.iter().enumerate() {
        if i > 0 {
            w.advance(LINE);
        }
        w.text_at(LEFT, f, false);
    }
    if let Some(c) = &l.copy_to {
        w.advance(2.0 * LINE);
        w.text_at(LEFT, &format!("สำเนาส่ง  {c}"), false);
    }
}

fn lay_out_form(w: &mut Writer, f: &ReferralForm) {
    w.pages.push(Vec::new());
    w.y = 2.0 * CM + LINE;
    w.centred(CENTER, &f.title, true, BODY_SIZE * 1.25);
    w.advance(LINE * 1.5);
    for (label, value) in &f.heading {
        w.labelled(LEFT, label, value, true);
        w.advance(LINE);
    }
    for s in &f.sections {
        w.advance(GAP);
        w.text_at(LEFT, &s.title, true);
        for (label, value) in &s.rows {
            w.advance(LINE);
            w.labelled(LEFT + 0.5 * CM, &format!("{label}:"), value, false);
        }
        w.advance(LINE);
    }
    // Tear-off reply slip: on the same page when it fits, else on its own page.
    let r = &f.reply_slip;
    let slip_lines = 5 + r.reference.len() + r.blanks.len() + 1 + r.return_to.len();
    if w.y + slip_lines as f32 * LINE > BOTTOM {
        w.pages.push(Vec::new());
        w.y = 2.0 * CM;
    }
    w.advance(LINE);
    let y = w.y - LINE * 0.3;
    w.ops().push(Op::Line {
        x1: LEFT - 1.5 * CM,
        y1: y,
        x2: RIGHT + 1.0 * CM,
        dashed: true,
    });
    w.advance(LINE * 0.2);
    w.centred(CENTER, &r.cut_line, false, BODY_SIZE * 0.85);
    w.advance(LINE * 1.4);
    w.centred(CENTER, &r.title, true, BODY_SIZE * 1.15);
    for line in &r.reference {
        w.advance(LINE);
        w.text_at(LEFT, line, false);
    }
    for b in &r.blanks {
        w.advance(LINE * 1.3);
        w.text_at(LEFT, b, false);
        let x1 = LEFT + w.width(b, false, BODY_SIZE) + 4.0;
        let y = w.y + 2.0;
        w.ops().push(Op::Line {
            x1,
            y1: y,
            x2: RIGHT,
            dashed: true,
        });
    }
    if !r.choices.is_empty() {
        w.advance(LINE * 1.3);
        let mut x = LEFT;
        for c in &r.choices {
            let y = w.y - 8.0;
            w.ops().push(Op::Box { x, y, s: 9.0 });
            w.text_at(x + 14.0, c, false);
            x += 14.0 + w.width(c, false, BODY_SIZE) + 1.0 * CM;
        }
    }
    for (i, line) in r.return_to.iter().enumerate() {
        w.advance(if i == 0 { LINE * 1.5 } else { LINE });
        w.text_at(LEFT, line, i == 0);
    }
}

fn lay_out_record(w: &mut Writer, r: &Record) {
    w.y = 2.0 * CM + LINE;
    w.centred(CENTER, &r.title, true, BODY_SIZE * 1.25);
    w.advance(LINE * 1.5);
    for (label, value) in &r.heading {
        w.labelled(LEFT, &format!("{label}:"), value, true);
        w.advance(LINE);
    }
    for s in &r.sections {
        w.advance(GAP);
        w.keep_together(LINE * 3.0);
        w.text_at(LEFT, &s.title, true);
        for (label, value) in &s.rows {
            w.advance(LINE);
            w.labelled(LEFT + 0.5 * CM, &format!("{label}:"), value, false);
        }
        for p in &s.paragraphs {
            w.advance(LINE);
            w.paragraph(p, 0.5 * CM);
        }
        w.advance(LINE);
    }
}

/// How a paragraph of a letter's body is broken into lines: the real font, size, width
/// and first-line indent (the line-break test reads these).
pub fn body_lines(paragraph: &str) -> Vec<String> {
    let m = Measure::new(REGULAR).expect("bundled font");
    wrap(&m, paragraph, BODY_SIZE, WIDTH, PARA_INDENT)
}

/// Renders a record (see `Record`) to PDF bytes.
pub fn render_record(record: &Record) -> Result<Vec<u8>, LetterError> {
    let fonts = Fonts::load();
    let mut w = Writer::new(&fonts, record.thai_digits);
    lay_out_record(&mut w, record);
    let pages = std::mem::take(&mut w.pages);
    let mut doc = archival_document(&record.title, None);
    for ops in &pages {
        let mut page = doc.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4"));
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, op)?;
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| LetterError::Pdf(format!("{e:?}")))
}

/// Whether a letter (the glyphs of one cluster) is wrapped in `/ActualText`: only where
/// poppler needs it — a mark has no width, and one that stands at or past its letter's
/// end would be given to the next letter. Readers that ignore `/ActualText` read each
/// glyph's own characters either way.
fn needs_span(letter: &[&text::Placed]) -> bool {
    let end = letter
        .iter()
        .filter(|g| g.advance > 0.0)
        .map(|g| g.x + g.advance)
        .fold(f32::MIN, f32::max);
    letter
        .iter()
        .any(|g| g.advance == 0.0 && g.x >= end - 0.005)
}

/// Draws one line as `Measure::glyphs` places it: the glyphs that stand for text in
/// reading order, each cluster (a letter with its marks) in the copy of the font where its
/// glyphs map to their own characters, wrapped in `/ActualText` with its text; then the
/// pieces (the ํ of a split ำ) as outlines, which draw the same and read as nothing.
fn draw_line(
    surface: &mut Surface,
    fonts: &Fonts<'static>,
    bold: bool,
    at: Point,
    size: f32,
    text: &str,
) {
    let m = if bold {
        &fonts.m_bold
    } else {
        &fonts.m_regular
    };
    let placed = m.glyphs(text);
    let carriers: Vec<&text::Placed> = placed.iter().filter(|g| g.text.is_some()).collect();
    // Where the text position goes after each glyph: to the next one that carries text,
    // so a reader sees no gap where one run ends and the next begins.
    let next_x = |i: usize| -> f32 {
        match carriers.get(i + 1) {
            Some(n) => n.x,
            None => carriers[i].x + carriers[i].advance,
        }
    };
    // Clusters in reading order, each with the copy of the font it is drawn in.
    let mut clusters: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let mut i = 0;
    while i < carriers.len() {
        let mut j = i + 1;
        while j < carriers.len() && carriers[j].cluster == carriers[i].cluster {
            j += 1;
        }
        let members: Vec<(u32, &str)> = carriers[i..j]
            .iter()
            .map(|g| (g.glyph, g.text.as_deref().unwrap_or("")))
            .collect();
        let prefer = clusters.last().map(|c| c.1);
        let copy = fonts.copy_for(bold, &members, prefer);
        // A space after a letter wrapped in `/ActualText` goes into it: PDFium drops a
        // space that follows such a letter with a mark below (ฎุ ฏุ read as ฎุฏุ).
        let lone_space = j == i + 1 && carriers[i].text.as_deref() == Some(" ");
        match clusters.last_mut() {
            Some(last) if lone_space && last.1 == copy && needs_span(&carriers[last.0.clone()]) => {
                last.0.end = j;
            }
            _ => clusters.push((i..j, copy)),
        }
        i = j;
    }
    // Runs: consecutive clusters in the same copy, one `draw_glyphs` each.
    let mut c = 0;
    while c < clusters.len() {
        let copy = clusters[c].1;
        let mut d = c;
        while d < clusters.len() && clusters[d].1 == copy {
            d += 1;
        }
        let mut s = String::new();
        let mut glyphs = Vec::new();
        for (range, _) in &clusters[c..d] {
            let span = needs_span(&carriers[range.clone()]);
            let start = s.len();
            let mut own = Vec::new();
            for k in range.clone() {
                let from = s.len();
                s.push_str(carriers[k].text.as_deref().unwrap_or(""));
                own.push(from..s.len());
            }
            for (k, own) in range.clone().zip(own) {
                glyphs.push(LetterGlyph {
                    glyph: carriers[k].glyph,
                    cluster: if span { start..s.len() } else { own.clone() },
                    own,
                    advance: next_x(k) - carriers[k].x,
                    y: carriers[k].y,
                });
            }
        }
        let first = carriers[clusters[c].0.start];
        let start = Point::from_xy(at.x + first.x * size, at.y);
        surface.draw_glyphs(start, &glyphs, fonts.copy(bold, copy), &s, size, false);
        c = d;
    }
    let pieces: Vec<&text::Placed> = placed.iter().filter(|g| g.text.is_none()).collect();
    if let Some(first) = pieces.first() {
        let glyphs: Vec<KrillaGlyph> = pieces
            .iter()
            .enumerate()
            .map(|(n, g)| {
                let next = pieces.get(n + 1).map_or(g.x, |h| h.x);
                KrillaGlyph::new(GlyphId::new(g.glyph), next - g.x, 0.0, g.y, 0.0, 0..0, None)
            })
            .collect();
        let main = if bold { &fonts.bold } else { &fonts.regular };
        let start = Point::from_xy(at.x + first.x * size, at.y);
        surface.draw_glyphs(start, &glyphs, main.clone(), "", size, true);
    }
}

/// A PDF/A-3b document (the archival profile ETDA's Thai e-document standards use): krilla
/// checks the profile's rules as it writes (fonts embedded, output intent, XMP metadata,
/// associated files described and dated) and refuses to finish otherwise.
fn archival_document(title: &str, made: Option<(u16, u8, u8, u8, u8, u8)>) -> Document {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .expect("PDF/A-3b has a PDF version");
    let mut doc = Document::new_with(SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    });
    let mut metadata = krilla::metadata::Metadata::new()
        .title(title.to_owned())
        .language("th".into())
        .creator("Raksa".into());
    {
        let (y, mo, d, h, mi, s) = made.unwrap_or_else(now_utc);
        metadata = metadata.creation_date(
            krilla::metadata::DateTime::new(y)
                .month(mo)
                .day(d)
                .hour(h)
                .minute(mi)
                .second(s),
        );
    }
    doc.set_metadata(metadata);
    doc
}

/// The time now (UTC) as (year, month, day, hour, minute, second), from the system clock.
fn now_utc() -> (u16, u8, u8, u8, u8, u8) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    (
        year,
        month,
        day,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
}

fn attach(doc: &mut Document, a: &Attachment) {
    let (y, mo, d, h, mi, s) = a.made;
    doc.embed_file(EmbeddedFile {
        path: a.file_name.clone(),
        mime_type: MimeType::new(&a.media_type),
        description: Some(a.description.clone()),
        association_kind: AssociationKind::Data,
        data: Data::from(a.data.clone()),
        modification_date: Some(
            krilla::metadata::DateTime::new(y)
                .month(mo)
                .day(d)
                .hour(h)
                .minute(mi)
                .second(s),
        ),
        compress: Some(true),
        location: None,
    });
}

fn fill(c: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        ..Fill::default()
    }
}

fn draw(surface: &mut Surface, fonts: &Fonts<'static>, op: &Op) -> Result<(), LetterError> {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            red,
            text,
        } => {
            surface.set_fill(Some(fill(if *red { RED } else { (0, 0, 0) })));
            draw_line(surface, fonts, *bold, Point::from_xy(*x, *y), *size, text);
        }
        Op::Image { data, x, y, h } => {
            let img = emblem_image(data)?;
            let (iw, ih) = img.size();
            let w = *h * iw as f32 / ih.max(1) as f32;
            surface.push_transform(&Transform::from_translate(x - w / 2.0, *y));
            surface.draw_image(img, Size::from_wh(w, *h).ok_or(LetterError::BadEmblem)?);
            surface.pop();
        }
        Op::Line { x1, y1, x2, dashed } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y1);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    width: 0.6,
                    dash: dashed.then(|| StrokeDash {
                        array: vec![2.0, 2.0],
                        offset: 0.0,
                    }),
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Box { x, y, s } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = krilla::geom::Rect::from_xywh(*x, *y, *s, *s) {
                pb.push_rect(rect);
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    width: 0.8,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
    }
    Ok(())
}

/// Renders the letter (and the referral form, when given) to PDF bytes.
pub fn render(
    letter: &Letter,
    form: Option<&ReferralForm>,
    thai: bool,
) -> Result<Vec<u8>, LetterError> {
    render_with(letter, form, thai, None)
}

/// `render`, with a machine-readable attachment (the referral's data) inside the PDF/A-3b.
pub fn render_with(
    letter: &Letter,
    form: Option<&ReferralForm>,
    thai: bool,
    attachment: Option<&Attachment>,
) -> Result<Vec<u8>, LetterError> {
    if let Some(e) = &letter.emblem {
        emblem_image(e)?;
    }
    let fonts = Fonts::load();
    let mut w = Writer::new(&fonts, thai);
    lay_out_letter(&mut w, letter);
    if let Some(f) = form {
        lay_out_form(&mut w, f);
    }
    let pages = std::mem::take(&mut w.pages);
    let mut doc = archival_document(&letter.subject, attachment.map(|a| a.made));
    if let Some(a) = attachment {
        attach(&mut doc, a);
    }
    for (i, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4"));
        let mut surface = page.surface();
        // Secrecy marks centred at the top and bottom of every letter page.
        if let Some(s) = &letter.secrecy {
            let sw = fonts.m_bold.width(s, 16.0);
            for y in [1.2 * CM, PAGE_H - 0.9 * CM] {
                draw(
                    &mut surface,
                    &fonts,
                    &Op::Text {
                        x: CENTER - sw / 2.0,
                        y,
                        size: 16.0,
                        bold: true,
                        red: true,
                        text: s.clone(),
                    },
                )?;
            }
        }
        let _ = i;
        for op in ops {
            draw(&mut surface, &fonts, op)?;
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| LetterError::Pdf(format!("{e:?}")))
}
