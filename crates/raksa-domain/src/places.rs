//! Thailand's administrative places with official DOPA codes: 77 provinces (2 digits),
//! 928 districts (4) and 7,436 sub-districts (6), each code a prefix of the next, with
//! postcodes kept separate (a sub-district may have several). Shipped in
//! `assets/reference/places.json` from geothai (CC BY 4.0; see places-NOTICE.txt) and
//! embedded in the binary, so the picker works offline.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

const DATA: &str = include_str!("../../../assets/reference/places.json");

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Place {
    pub code: String,
    pub name_th: String,
    pub name_en: String,
    /// Only sub-districts have postcodes.
    pub postcodes: Vec<String>,
}

/// One answer of the type-to-search picker: a sub-district with its district and province.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlaceMatch {
    pub subdistrict_code: String,
    /// `ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก`
    pub label_th: String,
    pub label_en: String,
    pub postcodes: Vec<String>,
}

#[derive(Deserialize)]
struct Raw {
    source: String,
    provinces: Vec<(String, String, String)>,
    districts: Vec<(String, String, String)>,
    subdistricts: Vec<(String, String, String, Vec<String>)>,
}

pub struct Places {
    pub source: String,
    pub provinces: Vec<Place>,
    pub districts: Vec<Place>,
    pub subdistricts: Vec<Place>,
    index: HashMap<String, (u8, usize)>,
}

fn place(code: String, th: String, en: String, postcodes: Vec<String>) -> Place {
    Place {
        code,
        name_th: th,
        name_en: en,
        postcodes,
    }
}

/// The embedded place list (parsed once, on first use).
pub fn places() -> &'static Places {
    static P: OnceLock<Places> = OnceLock::new();
    P.get_or_init(|| {
        let raw: Raw = serde_json::from_str(DATA).expect("assets/reference/places.json is valid");
        let provinces: Vec<Place> = raw
            .provinces
            .into_iter()
            .map(|(c, t, e)| place(c, t, e, vec![]))
            .collect();
        let districts: Vec<Place> = raw
            .districts
            .into_iter()
            .map(|(c, t, e)| place(c, t, e, vec![]))
            .collect();
        let subdistricts: Vec<Place> = raw
            .subdistricts
            .into_iter()
            .map(|(c, t, e, p)| place(c, t, e, p))
            .collect();
        let mut index = HashMap::new();
        for (level, list) in [(0u8, &provinces), (1, &districts), (2, &subdistricts)] {
            for (i, p) in list.iter().enumerate() {
                index.insert(p.code.clone(), (level, i));
            }
        }
        Places {
            source: raw.source,
            provinces,
            districts,
            subdistricts,
            index,
        }
    })
}

fn is_bangkok(code: &str) -> bool {
    code.starts_with("10")
}

impl Places {
    pub fn get(&self, code: &str) -> Option<&Place> {
        let &(level, i) = self.index.get(code)?;
        Some(match level {
            0 => &self.provinces[i],
            1 => &self.districts[i],
            _ => &self.subdistricts[i],
        })
    }

    pub fn districts_of(&self, province: &str) -> Vec<&Place> {
        self.districts
            .iter()
            .filter(|d| d.code.starts_with(province) && province.len() == 2)
            .collect()
    }

    pub fn subdistricts_of(&self, district: &str) -> Vec<&Place> {
        self.subdistricts
            .iter()
            .filter(|s| s.code.starts_with(district) && district.len() == 4)
            .collect()
    }

    /// The full Thai label of a sub-district: `ต.… อ.… จ.…` (Bangkok: `แขวง… เขต… กรุงเทพมหานคร`).
    /// The cascading picker's next list: provinces for `""`, a province's districts for a
    /// 2-digit code, a district's sub-districts for a 4-digit code.
    pub fn children(&self, code: &str) -> Vec<&Place> {
        match code.len() {
            0 => self.provinces.iter().collect(),
            2 => self.districts_of(code),
            4 => self.subdistricts_of(code),
            _ => Vec::new(),
        }
    }

    pub fn label(&self, subdistrict: &str) -> Option<PlaceMatch> {
        let s = self.get(subdistrict).filter(|_| subdistrict.len() == 6)?;
        let d = self.get(&subdistrict[..4])?;
        let p = self.get(&subdistrict[..2])?;
        let (label_th, label_en) = if is_bangkok(subdistrict) {
            (
                format!("แขวง{} {} {}", s.name_th, d.name_th, p.name_th),
                format!("{}, {}, {}", s.name_en, d.name_en, p.name_en),
            )
        } else {
            (
                format!("ต.{} อ.{} จ.{}", s.name_th, d.name_th, p.name_th),
                format!("{}, {}, {}", s.name_en, d.name_en, p.name_en),
            )
        };
        Some(PlaceMatch {
            subdistrict_code: s.code.clone(),
            label_th,
            label_en,
            postcodes: s.postcodes.clone(),
        })
    }

    /// Type-to-search: every word must appear in the sub-district, district or province name
    /// (Thai or English, case-insensitive) or be a prefix of the postcode. Sub-district name
    /// matches come first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        let words: Vec<String> = query
            .split_whitespace()
            .map(|w| {
                w.trim_start_matches("ต.")
                    .trim_start_matches("อ.")
                    .trim_start_matches("จ.")
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .take(4)
            .collect();
        if words.is_empty() {
            return vec![];
        }
        let mut hits: Vec<(u8, &Place)> = Vec::new();
        for s in &self.subdistricts {
            let (Some(d), Some(p)) = (self.get(&s.code[..4]), self.get(&s.code[..2])) else {
                continue;
            };
            let hay = format!(
                "{} {} {} {} {} {}",
                s.name_th,
                d.name_th,
                p.name_th,
                s.name_en.to_lowercase(),
                d.name_en.to_lowercase(),
                p.name_en.to_lowercase()
            );
            let all = words.iter().all(|w| {
                hay.contains(w.as_str()) || s.postcodes.iter().any(|pc| pc.starts_with(w.as_str()))
            });
            if all {
                let rank = if words.iter().any(|w| s.name_th.starts_with(w.as_str())) {
                    0
                } else {
                    1
                };
                hits.push((rank, s));
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        hits.into_iter()
            .take(limit)
            .filter_map(|(_, s)| self.label(&s.code))
            .collect()
    }
}
