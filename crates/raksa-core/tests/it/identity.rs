use raksa_core::FieldProblem;
use raksa_core::identity::*;

#[test]
fn valid_citizen_ids_from_the_domain_reference_pass() {
    for id in ["1112034563562", "1101700203123", "3100600182731"] {
        assert_eq!(parse_citizen_id(id).unwrap(), id);
    }
}

#[test]
fn printed_layout_and_thai_digits_are_accepted() {
    assert_eq!(
        parse_citizen_id("1-1120-34563-56-2").unwrap(),
        "1112034563562"
    );
    assert_eq!(
        parse_citizen_id(" 1 1120 34563 56 2 ").unwrap(),
        "1112034563562"
    );
    assert_eq!(parse_citizen_id("๑๑๑๒๐๓๔๕๖๓๕๖๒").unwrap(), "1112034563562");
}

#[test]
fn a_wrong_check_digit_is_refused_with_a_thai_message() {
    let err = parse_citizen_id("1112034563563").unwrap_err();
    assert_eq!(err, FieldProblem::CitizenIdChecksum);
    assert!(err.message_th().contains("เลขประจำตัวประชาชนไม่ถูกต้อง"));
    // Any other final digit is caught, and so is a typo in the first digit (weight 13 ≡ 2
    // mod 11). (Like every mod-11-then-mod-10 scheme, a few typos elsewhere map to the same
    // check digit; the final-digit property is what the algorithm guarantees.)
    let valid = "3100600182731";
    for d in '0'..='9' {
        let s = format!("{}{d}", &valid[..12]);
        assert_eq!(parse_citizen_id(&s).is_ok(), s == valid, "{s}");
    }
    for d in ['1', '2', '4', '5', '6', '7', '8'] {
        let s = format!("{d}{}", &valid[1..]);
        assert!(parse_citizen_id(&s).is_err(), "{s}");
    }
}

#[test]
fn wrong_length_letters_and_degenerate_ids_are_refused() {
    assert_eq!(
        parse_citizen_id("123").unwrap_err(),
        FieldProblem::CitizenIdLength
    );
    assert_eq!(
        parse_citizen_id("11120345635621").unwrap_err(),
        FieldProblem::CitizenIdLength
    );
    assert_eq!(
        parse_citizen_id("11120345635a2").unwrap_err(),
        FieldProblem::CitizenIdNotDigits
    );
    // passes the checksum but is not an issued number
    assert_eq!(
        parse_citizen_id("0000000000001").unwrap_err(),
        FieldProblem::CitizenIdInvalid
    );
    assert_eq!(
        parse_citizen_id("1111111111119").unwrap_err(),
        FieldProblem::CitizenIdInvalid
    );
    assert_eq!(
        parse_citizen_id("0000000000000").unwrap_err(),
        FieldProblem::CitizenIdChecksum
    );
    assert_eq!(
        parse_citizen_id("").unwrap_err(),
        FieldProblem::CitizenIdLength
    );
}

#[test]
fn g_codes_are_g_and_twelve_digits() {
    assert_eq!(parse_g_code("g123456789012").unwrap(), "G123456789012");
    assert!(parse_g_code("G12345").is_err());
    assert!(parse_g_code("X123456789012").is_err());
}

#[test]
fn citizen_id_formats_in_the_printed_layout() {
    assert_eq!(format_citizen_id("1112034563562"), "1-1120-34563-56-2");
}
