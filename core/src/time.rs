//! [`DateTime`]: an instant with the UTC offset it was written in, without a
//! clock. `now` always comes from the caller.
//!
//! Parses what the provider sends: RFC 3339 token times
//! (`2021-07-13T07:03:02Z`), M-Pesa's `yyyyMMddHHmmss` numbers and the IPN's
//! `yyyy-MM-dd HH:mm:ss` (both East Africa Time, UTC+3, no daylight saving),
//! and epoch milliseconds.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// East Africa Time, UTC+03:00, in minutes. Kenya has no daylight saving.
pub const EAT_OFFSET_MINUTES: i32 = 180;

const MS_PER_DAY: i64 = 86_400_000;

/// An instant (milliseconds since the Unix epoch) and the UTC offset it is
/// shown in. Equality and order compare instants and offsets; use
/// [`unix_millis`](Self::unix_millis) to compare instants alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    unix_millis: i64,
    offset_minutes: i32,
}

impl DateTime {
    /// An instant in UTC.
    pub const fn from_unix_millis(unix_millis: i64) -> DateTime {
        DateTime {
            unix_millis,
            offset_minutes: 0,
        }
    }

    /// An instant from a [`SystemTime`] (for example `SystemTime::now()`,
    /// read by the caller), in UTC.
    pub fn from_system_time(time: SystemTime) -> DateTime {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        DateTime::from_unix_millis(millis)
    }

    /// The same instant shown at another UTC offset.
    pub const fn with_offset_minutes(self, offset_minutes: i32) -> DateTime {
        DateTime {
            unix_millis: self.unix_millis,
            offset_minutes,
        }
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub const fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// The UTC offset this instant is shown in, in minutes (EAT is 180).
    pub const fn offset_minutes(self) -> i32 {
        self.offset_minutes
    }

    /// The instant `duration` later (saturating).
    pub fn plus(self, duration: Duration) -> DateTime {
        let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        DateTime {
            unix_millis: self.unix_millis.saturating_add(ms),
            offset_minutes: self.offset_minutes,
        }
    }

    /// The instant `duration` earlier (saturating).
    pub fn minus(self, duration: Duration) -> DateTime {
        let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        DateTime {
            unix_millis: self.unix_millis.saturating_sub(ms),
            offset_minutes: self.offset_minutes,
        }
    }

    /// Builds a date-time from civil fields at a UTC offset, validating them.
    pub(crate) fn from_civil(
        fields: [u32; 6],
        millis: u32,
        offset_minutes: i32,
    ) -> Option<DateTime> {
        let [year, month, day, hour, minute, second] = fields;
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
            || millis > 999
            || !(1..=9999).contains(&year)
        {
            return None;
        }
        let days = days_from_civil(i64::from(year), month, day);
        let local_ms = days * MS_PER_DAY
            + i64::from(hour) * 3_600_000
            + i64::from(minute) * 60_000
            + i64::from(second) * 1000
            + i64::from(millis);
        Some(DateTime {
            unix_millis: local_ms - i64::from(offset_minutes) * 60_000,
            offset_minutes,
        })
    }

    /// Parses RFC 3339 (`2021-07-13T07:03:02Z`, `…+03:00`, fractional
    /// seconds allowed). A time without a zone is taken as UTC.
    pub fn parse_rfc3339(text: &str) -> Option<DateTime> {
        let b = text.as_bytes();
        if b.len() < 19 || !b.is_ascii() {
            return None;
        }
        let sep_ok = b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ');
        if !sep_ok || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let fields = [
            digits(&text[0..4])?,
            digits(&text[5..7])?,
            digits(&text[8..10])?,
            digits(&text[11..13])?,
            digits(&text[14..16])?,
            digits(&text[17..19])?,
        ];
        let mut rest = &text[19..];
        let mut millis = 0;
        if let Some(frac) = rest.strip_prefix('.') {
            let end = frac
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(frac.len());
            if end == 0 || end > 9 {
                return None;
            }
            let mut padded = frac[..end].to_owned();
            padded.truncate(3);
            while padded.len() < 3 {
                padded.push('0');
            }
            millis = digits(&padded)?;
            rest = &frac[end..];
        }
        let offset = match rest {
            "" | "Z" | "z" => 0,
            _ => {
                let rb = rest.as_bytes();
                if rb.len() != 6 || rb[3] != b':' {
                    return None;
                }
                let sign = match rb[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let h = digits(&rest[1..3])?;
                let m = digits(&rest[4..6])?;
                if h > 23 || m > 59 {
                    return None;
                }
                sign * i32::try_from(h * 60 + m).ok()?
            }
        };
        DateTime::from_civil(fields, millis, offset)
    }

    /// Parses M-Pesa's `yyyyMMddHHmmss` (14 digits) in East Africa Time.
    pub fn parse_mpesa_compact(text: &str) -> Option<DateTime> {
        if text.len() != 14 {
            return None;
        }
        let fields = [
            digits(text.get(0..4)?)?,
            digits(text.get(4..6)?)?,
            digits(text.get(6..8)?)?,
            digits(text.get(8..10)?)?,
            digits(text.get(10..12)?)?,
            digits(text.get(12..14)?)?,
        ];
        DateTime::from_civil(fields, 0, EAT_OFFSET_MINUTES)
    }

    /// Parses an IPN date: `yyyy-MM-dd HH:mm:ss` (or `T` between), with
    /// optional fractional seconds, is East Africa Time; with a zone (`Z`,
    /// `+03:00`) it is that instant. Either way the result is shown in East
    /// Africa Time, so [`to_ipn_text`](Self::to_ipn_text) gives it back.
    pub fn parse_ipn(text: &str) -> Option<DateTime> {
        let as_if_utc = DateTime::parse_rfc3339(text)?;
        // What follows the seconds and their fraction: empty means no zone.
        let zone = text
            .get(19..)?
            .trim_start_matches('.')
            .trim_start_matches(|c: char| c.is_ascii_digit());
        let instant = if zone.is_empty() {
            as_if_utc.minus(Duration::from_secs(3 * 3600))
        } else {
            as_if_utc
        };
        Some(instant.with_offset_minutes(EAT_OFFSET_MINUTES))
    }

    /// `yyyyMMddHHmmss` in East Africa Time, as M-Pesa writes `TransactionDate`.
    pub fn to_mpesa_compact(self) -> String {
        let local = self.with_offset_minutes(EAT_OFFSET_MINUTES).to_rfc3339();
        local
            .get(..19)
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    }

    /// `yyyy-MM-dd HH:mm:ss` in East Africa Time, as the IPN writes
    /// `transaction.date` (with `.mmm` only when the milliseconds are not zero).
    pub fn to_ipn_text(self) -> String {
        let local = self.with_offset_minutes(EAT_OFFSET_MINUTES).to_rfc3339();
        // RFC 3339 at +03:00 ends with the six characters "+03:00".
        let wall_clock = local
            .get(..local.len().saturating_sub(6))
            .unwrap_or_default();
        wall_clock.replacen('T', " ", 1)
    }

    /// RFC 3339 text at this value's offset, with milliseconds only when non-zero.
    pub fn to_rfc3339(self) -> String {
        let local = self
            .unix_millis
            .saturating_add(i64::from(self.offset_minutes).saturating_mul(60_000));
        let days = local.div_euclid(MS_PER_DAY);
        let ms_of_day = local.rem_euclid(MS_PER_DAY);
        let (y, mo, d) = civil_from_days(days);
        let (h, mi, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if ms != 0 {
            out.push_str(&format!(".{ms:03}"));
        }
        if self.offset_minutes == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let abs = self.offset_minutes.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", abs / 60, abs % 60));
        }
        out
    }
}

/// Serialized as RFC 3339 text at its offset.
impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_providers_formats() {
        let t = DateTime::parse_rfc3339("2021-07-13T07:03:02Z").unwrap();
        assert_eq!(t.unix_millis(), 1_626_159_782_000);
        assert_eq!(t.to_string(), "2021-07-13T07:03:02Z");
        let m = DateTime::parse_mpesa_compact("20240809162247").unwrap();
        assert_eq!(m.to_string(), "2024-08-09T16:22:47+03:00");
        assert_eq!(m.unix_millis(), 1_723_209_767_000);
        let i = DateTime::parse_ipn("2024-08-09 16:22:50").unwrap();
        assert_eq!(i.to_string(), "2024-08-09T16:22:50+03:00");
        assert_eq!(i.unix_millis(), 1_723_209_770_000);
        let f = DateTime::parse_rfc3339("2021-07-13T10:03:02.5+03:00").unwrap();
        assert_eq!(f.unix_millis(), t.unix_millis() + 500);
        assert_eq!(f.to_string(), "2021-07-13T10:03:02.500+03:00");
        assert_eq!(
            DateTime::from_unix_millis(1_723_209_767_000).to_string(),
            "2024-08-09T13:22:47Z"
        );
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in [
            "",
            "2021-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-01-01T24:00:00Z",
            "2021-01-01T00:60:00Z",
            "2021-01-01",
            "2021-01-01T00:00:00+3",
            "２021-01-01T00:00:00Z",
            "2021-01-01T00:00:00.Z",
            "2021-01-01T00:00:00Zjunk",
        ] {
            assert_eq!(DateTime::parse_rfc3339(bad), None, "{bad:?}");
        }
        for bad in [
            "2024080916224",
            "20240230162247",
            "2024080916224x",
            "202408091622470",
        ] {
            assert_eq!(DateTime::parse_mpesa_compact(bad), None, "{bad:?}");
        }
        // Zone-less IPN dates are East Africa Time whichever separator.
        assert_eq!(
            DateTime::parse_ipn("2024-08-09T16:22:50"),
            DateTime::parse_ipn("2024-08-09 16:22:50")
        );
        assert_eq!(DateTime::parse_ipn("2024-08-09 16:22"), None);
        assert_eq!(DateTime::parse_ipn("2024-08-09 16:22:50 EAT"), None);
        assert!(DateTime::parse_rfc3339("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn extremes_render_without_overflow() {
        for ms in [i64::MIN, -1, 0, i64::MAX] {
            for offset in [-720, 0, 180, 840] {
                let text = DateTime::from_unix_millis(ms)
                    .with_offset_minutes(offset)
                    .to_rfc3339();
                assert!(!text.is_empty());
            }
        }
    }

    #[test]
    fn civil_round_trip() {
        for days in [-719_468i64, -1, 0, 1, 10_957, 19_944, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m as u32, d as u32), days);
        }
    }
}
