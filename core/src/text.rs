//! Field checks shared by the validators: required text, length, control
//! characters, e-mail syntax, references and descriptions.

use crate::error::{ProblemCode, Problems};

/// Checks a required text field: present, not blank, no control characters,
/// at most `max_chars` characters. Returns the text when it passes.
pub(crate) fn required<'a>(
    problems: &mut Problems,
    field: &str,
    value: &'a str,
    max_chars: usize,
) -> Option<&'a str> {
    if problems.has(field) {
        return None;
    }
    if value.trim().is_empty() {
        problems.push(
            field,
            ProblemCode::Required,
            "is required and must not be blank",
        );
        return None;
    }
    optional(problems, field, value, max_chars)
}

/// Checks an optional text field (may be empty): no control characters and
/// at most `max_chars` characters.
pub(crate) fn optional<'a>(
    problems: &mut Problems,
    field: &str,
    value: &'a str,
    max_chars: usize,
) -> Option<&'a str> {
    if problems.has(field) {
        return None;
    }
    if value.chars().any(char::is_control) {
        problems.push(
            field,
            ProblemCode::ControlCharacter,
            "must not contain control characters (NUL, newline, tab, …)",
        );
        return None;
    }
    let len = value.chars().count();
    if len > max_chars {
        problems.push(
            field,
            ProblemCode::TooLong,
            format!("is {len} characters long; at most {max_chars} are allowed"),
        );
        return None;
    }
    Some(value)
}

/// Checks an order or payment reference: ASCII letters and digits only.
pub(crate) fn reference(problems: &mut Problems, field: &str, value: &str, max_len: usize) -> bool {
    let Some(value) = required(problems, field, value, usize::MAX) else {
        return false;
    };
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        problems.push(
            field,
            ProblemCode::InvalidReference,
            "must contain only ASCII letters and digits",
        );
        return false;
    }
    if value.len() > max_len {
        problems.push(
            field,
            ProblemCode::TooLong,
            format!(
                "is {} characters long; at most {max_len} are allowed",
                value.len()
            ),
        );
        return false;
    }
    true
}

/// Checks an order description: the provider has rejected punctuation, so
/// only ASCII letters, digits and single spaces are accepted.
pub(crate) fn description(problems: &mut Problems, field: &str, value: &str, max_len: usize) {
    let Some(value) = required(problems, field, value, max_len) else {
        return;
    };
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ')
    {
        problems.push(
            field,
            ProblemCode::InvalidDescription,
            "may contain only ASCII letters, digits and spaces (the provider rejects punctuation)",
        );
    }
}

/// Checks e-mail syntax: `local@domain.tld`, ASCII, conservative.
pub(crate) fn email(problems: &mut Problems, field: &str, value: &str) {
    let Some(value) = required(problems, field, value, 254) else {
        return;
    };
    if !is_email(value) {
        problems.push(
            field,
            ProblemCode::InvalidEmail,
            "is not a valid e-mail address (expected name@example.com)",
        );
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    const LOCAL_SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~.";
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn email_syntax() {
        for ok in ["xyx2@gmail.com", "a.b+c@shop.co.ke", "o'neil@example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a@b",
            "a@b.c",
            "a b@c.com",
            "a@@b.com",
            "a@b..com",
            ".a@b.com",
            "a.@b.com",
            "a@-b.com",
            "a@b.c0m",
            "jöe@b.com",
            "a@b.com.",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }
}
