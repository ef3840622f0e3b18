//! How the deliveries of the next pushes behave: the callback and the IPN
//! each normal, twice, never (and the callback after the IPN), and their
//! delays, so deliveries of several pushes can arrive out of order.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The callback to `payment.callbackUrl`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackMode {
    /// Once, after the callback delay.
    #[default]
    Normal,
    /// The same callback twice, one right after the other.
    Twice,
    /// Not at all (the invoice still settles: the status query tells).
    Never,
    /// After the IPN: the IPN goes at the callback's time, the callback an
    /// IPN delay later.
    AfterIpn,
}

/// The IPN to the configured IPN URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpnMode {
    /// Once, an IPN delay after the callback.
    #[default]
    Normal,
    /// The same IPN twice, one right after the other.
    Twice,
    /// Not at all.
    Never,
}

/// The delivery behaviour of pushes accepted from now on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deliveries {
    /// The callback.
    pub callback: CallbackMode,
    /// The IPN.
    pub ipn: IpnMode,
    /// Instead of the configured callback delay.
    pub callback_delay: Option<Duration>,
    /// Instead of the configured IPN delay.
    pub ipn_delay: Option<Duration>,
}

/// [`Deliveries`] as JSON; every field optional, an omitted one takes its
/// default (`normal`, the configured delay): each POST sets the whole mode.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveriesWire {
    #[serde(default)]
    callback: CallbackMode,
    #[serde(default)]
    ipn: IpnMode,
    #[serde(default)]
    callback_delay_ms: Option<u64>,
    #[serde(default)]
    ipn_delay_ms: Option<u64>,
}

impl From<DeliveriesWire> for Deliveries {
    fn from(w: DeliveriesWire) -> Deliveries {
        Deliveries {
            callback: w.callback,
            ipn: w.ipn,
            callback_delay: w.callback_delay_ms.map(Duration::from_millis),
            ipn_delay: w.ipn_delay_ms.map(Duration::from_millis),
        }
    }
}

impl From<Deliveries> for DeliveriesWire {
    fn from(d: Deliveries) -> DeliveriesWire {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        DeliveriesWire {
            callback: d.callback,
            ipn: d.ipn,
            callback_delay_ms: d.callback_delay.map(ms),
            ipn_delay_ms: d.ipn_delay.map(ms),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_forms() {
        let d: Deliveries = serde_json::from_str::<DeliveriesWire>(
            r#"{"callback":"after_ipn","ipn":"twice","callbackDelayMs":150}"#,
        )
        .unwrap()
        .into();
        assert_eq!(
            d,
            Deliveries {
                callback: CallbackMode::AfterIpn,
                ipn: IpnMode::Twice,
                callback_delay: Some(Duration::from_millis(150)),
                ipn_delay: None,
            }
        );
        let empty: Deliveries = serde_json::from_str::<DeliveriesWire>("{}").unwrap().into();
        assert_eq!(empty, Deliveries::default());
        assert_eq!(
            serde_json::to_string(&DeliveriesWire::from(Deliveries::default())).unwrap(),
            r#"{"callback":"normal","ipn":"normal","callbackDelayMs":null,"ipnDelayMs":null}"#
        );
        assert!(serde_json::from_str::<DeliveriesWire>(r#"{"ipn":"after_callback"}"#).is_err());
        assert!(serde_json::from_str::<DeliveriesWire>(r#"{"callbacks":"twice"}"#).is_err());
    }
}
