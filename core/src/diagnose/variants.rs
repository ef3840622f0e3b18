//! Other texts a signer may have written for one value: the amount as `2`,
//! `2.00`, `"2"`, `1,500.00`, cents…; the phone number as `0722…`,
//! `254722…`, `+254722…`, spaced…; or another field's value altogether.

use super::body::{AMOUNT, BodyValues, MSISDN};
use crate::country::Country;

/// What a variant is, relative to the body's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The body's own text.
    AsSent,
    /// Another text form of the same value.
    OtherText,
    /// The value of another field (its path).
    OtherField(&'static str),
}

/// One text a signer may have used for a slot.
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub(crate) text: String,
    pub(crate) kind: Kind,
}

/// The variants of each of the four slots; index 0 is always the body's text.
pub(crate) fn of(body: &BodyValues) -> [Vec<Variant>; 4] {
    std::array::from_fn(|slot| {
        let own = &body.values[slot];
        let mut out = vec![Variant {
            text: own.clone(),
            kind: Kind::AsSent,
        }];
        let mut push = |text: String, kind: Kind| {
            if !out.iter().any(|v| v.text == text) {
                out.push(Variant { text, kind });
            }
        };
        let forms = match slot {
            AMOUNT => amount_forms(own, body.quoted[slot]),
            MSISDN => msisdn_forms(own, body.country),
            _ => Vec::new(),
        };
        for text in forms {
            push(text, Kind::OtherText);
        }
        if let Some((path, text)) = &body.neighbours[slot] {
            push(text.clone(), Kind::OtherField(path));
        }
        out
    })
}

/// A plain decimal's integer digits and its fraction without trailing zeros.
fn decimal_parts(text: &str) -> Option<(&str, &str)> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    Some((
        if int.is_empty() { "0" } else { int },
        frac.trim_end_matches('0'),
    ))
}

/// `1500` → `1,500` (PHP's `number_format`, Excel, locale formatting).
fn grouped(int: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Other texts of the amount `own` (a string's contents or a number's literal).
fn amount_forms(own: &str, quoted: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut two_places = None;
    if let Some((int, frac)) = decimal_parts(own) {
        // `int` with `places` decimals, when no digit is lost.
        let with = |places: usize| {
            (frac.len() <= places).then(|| match places {
                0 => int.to_owned(),
                _ => format!("{int}.{frac:0<places$}"),
            })
        };
        two_places = with(2);
        out.extend([0, 2, 1, 3, 4].into_iter().filter_map(with));
        if int.len() > 3 {
            let g = grouped(int);
            out.extend(two_places.as_ref().map(|_| format!("{g}.{frac:0<2}")));
            out.extend(with(0).map(|_| g));
        }
        // Minor units (cents), as card APIs want them.
        if frac.len() <= 2 {
            let cents = format!("{int}{frac:0<2}");
            out.push(cents.trim_start_matches('0').to_owned());
        }
    }
    // The JSON text itself, quotes included (`JSON.stringify(amount)`), and
    // the two-decimal string the page's best practices ask for, quoted.
    out.push(format!("\"{own}\""));
    if !quoted {
        out.extend(two_places.map(|t| format!("\"{t}\"")));
    }
    out.retain(|t| !t.is_empty() && t != own);
    out.dedup();
    out
}

/// Other texts of the phone number `own`: local `0…`, international with and
/// without `+` or `00`, the bare national number, and spaced forms.
fn msisdn_forms(own: &str, country: Option<Country>) -> Vec<String> {
    let digits: String = own.chars().filter(|c| c.is_ascii_digit()).collect();
    let codes: Vec<&str> = match country {
        Some(c) => vec![c.calling_code()],
        None => Country::ALL.iter().map(|c| c.calling_code()).collect(),
    };
    let nsn = codes
        .iter()
        .find_map(|cc| {
            digits
                .strip_prefix("00")
                .unwrap_or(&digits)
                .strip_prefix(cc)
                .filter(|rest| rest.len() == 9)
                .map(|rest| (*cc, rest.to_owned()))
        })
        .or_else(|| {
            let rest = digits.strip_prefix('0').unwrap_or(&digits);
            (rest.len() == 9).then(|| (codes.first().copied().unwrap_or("254"), rest.to_owned()))
        });
    let Some((cc, nsn)) = nsn else {
        return Vec::new();
    };
    let (a, b, c) = (&nsn[..3], &nsn[3..6], &nsn[6..]);
    let mut out = vec![
        format!("0{nsn}"),
        format!("{cc}{nsn}"),
        format!("+{cc}{nsn}"),
        nsn.clone(),
        format!("00{cc}{nsn}"),
        format!("0{a} {b} {c}"),
        format!("+{cc} {a} {b} {c}"),
        format!("{cc} {a} {b} {c}"),
        format!("+{cc} {nsn}"),
        format!("0{a}-{b}-{c}"),
    ];
    out.retain(|t| t != own);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_forms_cover_the_usual_mistakes() {
        let f = amount_forms("2", false);
        for t in ["2.00", "2.0", "2.000", "200", "\"2\"", "\"2.00\""] {
            assert!(f.contains(&t.to_owned()), "{t} in {f:?}");
        }
        assert!(!f.contains(&"2".to_owned()));
        let f = amount_forms("1500.00", true);
        for t in [
            "1500",
            "1500.0",
            "1,500.00",
            "1,500",
            "150000",
            "\"1500.00\"",
        ] {
            assert!(f.contains(&t.to_owned()), "{t} in {f:?}");
        }
        let f = amount_forms("10.5", false);
        for t in ["10.50", "10.500", "1050"] {
            assert!(f.contains(&t.to_owned()), "{t} in {f:?}");
        }
        assert!(!f.contains(&"10".to_owned()), "never drops digits: {f:?}");
        assert_eq!(amount_forms("2e0", false), vec!["\"2e0\"".to_owned()]);
    }

    #[test]
    fn msisdn_forms_cover_the_usual_mistakes() {
        let f = msisdn_forms("0722000000", Some(Country::Kenya));
        for t in [
            "254722000000",
            "+254722000000",
            "722000000",
            "0722 000 000",
            "+254 722 000 000",
        ] {
            assert!(f.contains(&t.to_owned()), "{t} in {f:?}");
        }
        let f = msisdn_forms("+256772123456", None);
        assert!(f.contains(&"0772123456".to_owned()), "{f:?}");
        assert!(msisdn_forms("12", None).is_empty());
    }
}
