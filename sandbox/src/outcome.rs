//! Deterministic outcomes, chosen by the last three digits of the number the
//! push goes to (`payment.details.msisdn`). Never random.
//!
//! | msisdn ends in | outcome |
//! |---|---|
//! | `000` (e.g. `0722000000`) and any suffix not below | paid |
//! | `001` | cancelled by the customer (1032) |
//! | `002` | timeout, customer unreachable (1037) |
//! | `003` | insufficient funds (1) |
//! | `004` | wrong PIN (2001) |
//! | `005` | the push fails at initiation (HTTP 200, `status:false`, 106201) |
//! | `006` | subscriber busy (1001) |
//! | `007` | expired (1019) |

/// What happens to a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The customer pays.
    Paid,
    /// The callback reports this M-Pesa result code and description.
    Fails {
        /// M-Pesa `ResultCode`.
        result_code: i64,
        /// M-Pesa `ResultDesc`.
        description: &'static str,
    },
    /// The init itself is refused with 106201.
    PushFails,
}

/// The outcome for a number, by its last three digits.
pub fn for_msisdn(msisdn: &str) -> Outcome {
    let suffix = msisdn.get(msisdn.len().saturating_sub(3)..).unwrap_or("");
    let fails = |result_code, description| Outcome::Fails {
        result_code,
        description,
    };
    match suffix {
        "001" => fails(1032, "Request cancelled by user"),
        "002" => fails(1037, "DS timeout user cannot be reached"),
        "003" => fails(1, "The balance is insufficient for the transaction."),
        "004" => fails(2001, "The initiator information is invalid."),
        "005" => Outcome::PushFails,
        "006" => fails(
            1001,
            "Unable to lock subscriber, a transaction is already in process for the current subscriber",
        ),
        "007" => fails(1019, "Transaction has expired"),
        _ => Outcome::Paid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(for_msisdn("0722000000"), Outcome::Paid);
        assert_eq!(for_msisdn("254722000123"), Outcome::Paid);
        assert!(matches!(
            for_msisdn("0722000001"),
            Outcome::Fails {
                result_code: 1032,
                ..
            }
        ));
        assert!(matches!(
            for_msisdn("+254722000002"),
            Outcome::Fails {
                result_code: 1037,
                ..
            }
        ));
        assert_eq!(for_msisdn("0722000005"), Outcome::PushFails);
        assert_eq!(for_msisdn(""), Outcome::Paid);
    }
}
