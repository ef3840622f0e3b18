//! Mobile numbers: validation for a country and the three wire forms.
//!
//! Numbers are accepted as people type them: spaces, dashes, dots and
//! parentheses are dropped, and a leading `+` or `00` introduces the country
//! code. Letters, wrong lengths, non-ASCII digits and other countries'
//! prefixes stay invalid. What goes on the wire is digits only: the page's
//! example sends `0722000000` (local form), other integrations send
//! `254722000000`; which the provider requires is unconfirmed, so the form is
//! a [`PhoneFormat`](crate::PhoneFormat) option, and the default keeps the
//! form the caller used (local or international), never a `+` or punctuation.

use crate::country::Country;

/// National significant number length for every supported country.
const NSN_LEN: usize = 9;

/// A validated mobile number: the national significant number (9 digits),
/// and whether it was given in international form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Msisdn {
    country: Country,
    nsn: String,
    international: bool,
}

/// The separators people type (or paste) inside phone numbers: any space
/// (a no-break space included), dashes, dots and parentheses.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')')
}

impl Msisdn {
    /// Accepts `0XXXXXXXXX`, `CCCXXXXXXXXX`, `+CCCXXXXXXXXX` or
    /// `00CCCXXXXXXXXX`, with spaces, dashes, dots or parentheses anywhere,
    /// where the digits (ASCII only) make a mobile number of `country`.
    pub(crate) fn parse(text: &str, country: Country) -> Option<Msisdn> {
        let cc = country.calling_code();
        let compact: String = text.chars().filter(|c| !is_separator(*c)).collect();
        let (nsn, international) = if let Some(rest) = compact.strip_prefix('+') {
            (rest.strip_prefix(cc)?, true)
        } else if let Some(rest) = compact.strip_prefix("00") {
            (rest.strip_prefix(cc)?, true)
        } else if let Some(rest) = compact.strip_prefix('0') {
            (rest, false)
        } else {
            (compact.strip_prefix(cc)?, true)
        };
        let bytes = nsn.as_bytes();
        let ok = bytes.len() == NSN_LEN
            && bytes.iter().all(u8::is_ascii_digit)
            && country.mobile_prefixes().contains(&bytes[0]);
        ok.then(|| Msisdn {
            country,
            nsn: nsn.to_owned(),
            international,
        })
    }

    /// `0722000000`.
    pub(crate) fn local(&self) -> String {
        format!("0{}", self.nsn)
    }

    /// `254722000000` (no `+`, as M-Pesa writes it).
    pub(crate) fn international(&self) -> String {
        format!("{}{}", self.country.calling_code(), self.nsn)
    }

    /// The form the number was given in, as digits only: `0722000000` for
    /// `0722 000 000`, `254722000000` for `+254 722-000-000`.
    pub(crate) fn as_given(&self) -> String {
        if self.international {
            self.international()
        } else {
            self.local()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_people_type() {
        for t in [
            "0722000000",
            "254722000000",
            "+254722000000",
            "00254722000000",
            "0110000000",
            "0722 000 000",
            "0722-000-000",
            "0722.000.000",
            "(0722) 000000",
            "+254 (722) 000-000",
            " 0722000000 ",
            "0722\u{a0}000\u{a0}000",
        ] {
            let m = Msisdn::parse(t, Country::Kenya).unwrap();
            assert_eq!(m.international().len(), 12, "{t}");
        }
        let m = Msisdn::parse("+254722000000", Country::Kenya).unwrap();
        assert_eq!(m.local(), "0722000000");
        assert_eq!(m.international(), "254722000000");
        let u = Msisdn::parse("0772123456", Country::Uganda).unwrap();
        assert_eq!(u.international(), "256772123456");
        // The given form, as digits only.
        let spaced = Msisdn::parse("+254 722-000-000", Country::Kenya).unwrap();
        assert_eq!(spaced.as_given(), "254722000000");
        let local = Msisdn::parse("0722 000 000", Country::Kenya).unwrap();
        assert_eq!(local.as_given(), "0722000000");
    }

    #[test]
    fn refuses_wrong_numbers() {
        for t in [
            "",
            "0",
            "072200000",
            "07220000000",
            "0622000000",
            "255722000000",
            "+0722000000",
            "00722000000",
            "0722_000000",
            "0722/000000",
            "+255722000000",
            "0044722000000",
            "0722-000-00a",
            "０722000000",
            "07220000O0",
            "722000000",
            "2540722000000",
        ] {
            assert_eq!(Msisdn::parse(t, Country::Kenya), None, "{t:?}");
        }
        assert_eq!(Msisdn::parse("0722000000", Country::SouthSudan), None);
    }
}
