use raksa_core::places::places;

#[test]
fn counts_match_the_official_lists() {
    let p = places();
    assert_eq!(p.provinces.len(), 77);
    assert_eq!(p.districts.len(), 928);
    assert_eq!(p.subdistricts.len(), 7436);
    assert!(p.source.contains("CC BY 4.0"));
}

#[test]
fn every_code_is_unique_and_its_prefix_is_its_parent() {
    let p = places();
    let mut seen = std::collections::HashSet::new();
    for x in p
        .provinces
        .iter()
        .chain(&p.districts)
        .chain(&p.subdistricts)
    {
        assert!(seen.insert(x.code.clone()), "duplicate {}", x.code);
        assert!(x.code.bytes().all(|b| b.is_ascii_digit()));
        assert!(!x.name_th.is_empty() && !x.name_en.is_empty());
    }
    for d in &p.districts {
        assert_eq!(d.code.len(), 4);
        assert!(
            p.get(&d.code[..2]).is_some(),
            "district {} has no province",
            d.code
        );
    }
    for s in &p.subdistricts {
        assert_eq!(s.code.len(), 6);
        assert!(
            p.get(&s.code[..4]).is_some(),
            "sub-district {} has no district",
            s.code
        );
        assert!(!s.postcodes.is_empty(), "{} has no postcode", s.code);
        assert!(
            s.postcodes
                .iter()
                .all(|pc| pc.len() == 5 && pc.bytes().all(|b| b.is_ascii_digit()))
        );
    }
    // Bangkok: 50 khet, 180 khwaeng
    assert_eq!(p.districts_of("10").len(), 50);
    assert_eq!(
        p.subdistricts
            .iter()
            .filter(|s| s.code.starts_with("10"))
            .count(),
        180
    );
}

#[test]
fn type_to_search_in_thai_finds_the_subdistrict_with_its_district_and_province() {
    let p = places();
    let hits = p.search("บ้านกร่าง พิษณุโลก", 10);
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .any(|h| h.label_th == "ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก"),
        "{hits:?}"
    );
    let bkk = p.label("100101").unwrap();
    assert_eq!(bkk.label_th, "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร");
    assert_eq!(bkk.postcodes, ["10200"]);
    // postcode prefix and English work too
    assert!(
        p.search("65000", 50)
            .iter()
            .all(|h| h.postcodes.iter().any(|c| c.starts_with("65000")))
    );
    assert!(!p.search("phitsanulok", 5).is_empty());
    assert!(p.search("", 5).is_empty());
    // several postcodes for one sub-district are kept
    assert!(p.subdistricts.iter().any(|s| s.postcodes.len() > 1));
}
