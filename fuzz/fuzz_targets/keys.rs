//! `Signer::from_pem` and `Verifier::from_pem` on the input (UTF-8, lossily).
//!
//! Invariants: a loaded key's size is within [MIN_KEY_BITS, MAX_KEY_BITS]; a
//! loaded private key signs, and its own verifier (and the public half loaded
//! from the same text, if that also loads) accepts the signature, so a
//! mangled but "valid-looking" key can never produce signatures the provider
//! would refuse; `Debug` shows no key material.
#![no_main]

use jenga_stk::{MAX_KEY_BITS, MIN_KEY_BITS, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

const MESSAGE: &[u8] = b"OR28922980077KES07220000002";

fuzz_target!(|data: &[u8]| {
    let pem = String::from_utf8_lossy(data);
    let signer = Signer::from_pem(&pem);
    let verifier = Verifier::from_pem(&pem);
    if let Err(e) = &signer {
        assert!(!e.code().is_empty());
        let _ = e.to_string();
    }
    if let Err(e) = &verifier {
        assert!(!e.code().is_empty());
        let _ = e.to_string();
    }
    if let Ok(verifier) = &verifier {
        assert!((MIN_KEY_BITS..=MAX_KEY_BITS).contains(&verifier.bits()));
        let _ = format!("{verifier:?}");
    }
    if let Ok(signer) = &signer {
        let bits = signer.bits();
        assert!((MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits), "{bits} bits");
        let debug = format!("{signer:?}");
        assert!(!debug.contains("PRIVATE"), "Debug shows the key: {debug}");
        assert_eq!(signer.verifier().bits(), bits);
        let signature = signer
            .sign(MESSAGE)
            .unwrap_or_else(|e| panic!("a loaded key cannot sign: {e}"));
        assert_eq!(signature.to_bytes().len(), bits.div_ceil(8));
        signer
            .verifier()
            .verify(MESSAGE, &signature)
            .unwrap_or_else(|e| panic!("a loaded key's signature does not verify: {e}"));
        assert!(
            signer
                .verifier()
                .verify(b"another message", &signature)
                .is_err()
        );
    }
});
