//! The PDF as a reader and a printer see it: pdftotext returns the exact Thai, pdffonts
//! shows Sarabun embedded and subset with a Unicode map, and the layout puts each part
//! where the regulation says.

mod engines;
mod golden;
mod letter;
mod linebreaks;
mod wrapping;
