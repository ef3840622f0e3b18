//! Mobile numbers: validation for a country and the three wire forms.
//!
//! The page's example sends `0722000000` (local form); other integrations send
//! `254722000000`. Which the provider requires is unconfirmed, so the form is
//! a [`PhoneFormat`](crate::PhoneFormat) option and the default keeps the
//! number as the caller gave it (after validation).

use crate::country::Country;

/// National significant number length for every supported country.
const NSN_LEN: usize = 9;

/// A validated mobile number: the national significant number (9 digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Msisdn {
    country: Country,
    nsn: String,
}

impl Msisdn {
    /// Accepts `0XXXXXXXXX`, `CCCXXXXXXXXX` or `+CCCXXXXXXXXX` (ASCII digits
    /// only) where the national number is a mobile number of `country`.
    pub(crate) fn parse(text: &str, country: Country) -> Option<Msisdn> {
        let cc = country.calling_code();
        let nsn = if let Some(rest) = text.strip_prefix('+') {
            rest.strip_prefix(cc)?
        } else if let Some(rest) = text.strip_prefix('0') {
            rest
        } else {
            text.strip_prefix(cc)?
        };
        let bytes = nsn.as_bytes();
        let ok = bytes.len() == NSN_LEN
            && bytes.iter().all(u8::is_ascii_digit)
            && country.mobile_prefixes().contains(&bytes[0]);
        ok.then(|| Msisdn {
            country,
            nsn: nsn.to_owned(),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_forms() {
        for t in ["0722000000", "254722000000", "+254722000000", "0110000000"] {
            let m = Msisdn::parse(t, Country::Kenya).unwrap();
            assert_eq!(m.international().len(), 12, "{t}");
        }
        let m = Msisdn::parse("+254722000000", Country::Kenya).unwrap();
        assert_eq!(m.local(), "0722000000");
        assert_eq!(m.international(), "254722000000");
        let u = Msisdn::parse("0772123456", Country::Uganda).unwrap();
        assert_eq!(u.international(), "256772123456");
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
            "0722 000000",
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
