//! Tests for `event`: validated names, lenient levels, user hashing, serde shapes.

use super::user::{hmac_sha256, to_hex};
use super::*;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as DeError, I64Deserializer, StrDeserializer};

fn salt() -> UserSalt {
    UserSalt::new(*b"0123456789abcdef-test-salt").unwrap()
}

#[test]
fn service_names_are_trimmed_and_validated() {
    assert_eq!(Service::new("  checkout ").unwrap().as_str(), "checkout");
    assert_eq!(
        Service::new("").unwrap_err(),
        EventError::Empty { field: "service" }
    );
    assert_eq!(
        Service::new("   ").unwrap_err(),
        EventError::Empty { field: "service" }
    );
    assert_eq!(
        Service::new("a\nb").unwrap_err(),
        EventError::ControlChar { field: "service" }
    );
    assert!(matches!(
        Service::new(&"x".repeat(201)),
        Err(EventError::TooLong { .. })
    ));
    assert_eq!(
        Environment::new("").unwrap_err(),
        EventError::Empty {
            field: "environment"
        }
    );
}

#[test]
fn service_deserialization_validates() {
    let de: StrDeserializer<DeError> = "".into_deserializer();
    assert!(Service::deserialize(de).is_err());
    let de: StrDeserializer<DeError> = " payments ".into_deserializer();
    assert_eq!(Service::deserialize(de).unwrap().as_str(), "payments");
}

#[test]
fn levels_parse_leniently() {
    use LogLevel::*;
    let cases = [
        ("ERROR", Error),
        ("err", Error),
        ("E", Error),
        ("[error]", Error),
        ("SEVERE", Error),
        ("fatal", Fatal),
        ("CRITICAL", Fatal),
        ("crit", Fatal),
        ("emerg", Fatal),
        ("panic", Fatal),
        ("warn", Warning),
        ("WARNING", Warning),
        ("W", Warning),
        ("info", Info),
        ("Information", Info),
        ("notice", Info),
        ("debug", Debug),
        ("TRACE", Debug),
        ("verbose", Debug),
        ("finest", Debug),
        ("<3>", Error),
        ("0", Fatal),
        ("4", Warning),
        ("6", Info),
        ("7", Debug),
        ("10", Debug),
        ("30", Info),
        ("40", Warning),
        ("50", Error),
        ("60", Fatal),
    ];
    for (raw, want) in cases {
        assert_eq!(LogLevel::parse_lenient(raw), Some(want), "{raw}");
    }
    for raw in ["", "bogus", "8", "61", "-1", "9"] {
        assert_eq!(LogLevel::parse_lenient(raw), None, "{raw}");
    }
    assert!("nope".parse::<LogLevel>().is_err());
}

#[test]
fn levels_order_by_severity() {
    assert!(LogLevel::Fatal > LogLevel::Error);
    assert!(LogLevel::Error > LogLevel::Warning);
    assert!(LogLevel::Warning > LogLevel::Info);
    assert!(LogLevel::Info > LogLevel::Debug);
}

#[test]
fn level_deserializes_from_names_and_numbers() {
    let de: StrDeserializer<DeError> = "CRITICAL".into_deserializer();
    assert_eq!(LogLevel::deserialize(de).unwrap(), LogLevel::Fatal);
    let de: I64Deserializer<DeError> = 50i64.into_deserializer();
    assert_eq!(LogLevel::deserialize(de).unwrap(), LogLevel::Error);
    let de: I64Deserializer<DeError> = 99i64.into_deserializer();
    assert!(LogLevel::deserialize(de).is_err());
    for level in LogLevel::ALL {
        assert_eq!(level.as_str().parse::<LogLevel>().unwrap(), level);
    }
}

#[test]
fn hmac_matches_rfc_4231_case_2() {
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        to_hex(&mac),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn hmac_hashes_long_keys_first() {
    // RFC 4231 case 6: a 131-byte key.
    let mac = hmac_sha256(
        &[0xaa; 131],
        b"Test Using Larger Than Block-Size Key - Hash Key First",
    );
    assert_eq!(
        to_hex(&mac),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn user_hash_is_salted_stable_and_never_the_raw_id() {
    let a = UserHash::from_raw(&salt(), "user-42").unwrap();
    assert_eq!(a, UserHash::from_raw(&salt(), " user-42 ").unwrap());
    assert_eq!(a.as_str().len(), UserHash::HEX_LEN);
    assert!(!a.as_str().contains("42"));
    let other_salt = UserSalt::new(*b"another-salt-of-16+bytes").unwrap();
    assert_ne!(a, UserHash::from_raw(&other_salt, "user-42").unwrap());
    assert_ne!(a, UserHash::from_raw(&salt(), "user-43").unwrap());
    assert_eq!(UserHash::from_raw(&salt(), "   "), None);
}

#[test]
fn salt_must_be_long_and_is_never_printed() {
    assert_eq!(
        UserSalt::new(*b"short").unwrap_err(),
        EventError::SaltTooShort { min: 16, got: 5 }
    );
    assert_eq!(format!("{:?}", salt()), "UserSalt(<redacted>)");
}

#[test]
fn user_hash_deserialization_accepts_only_hashes() {
    let good = UserHash::from_raw(&salt(), "u").unwrap();
    assert_eq!(UserHash::try_from(good.to_string()).unwrap(), good);
    assert_eq!(
        UserHash::try_from("alice@example.com".to_owned()),
        Err(EventError::BadUserHash)
    );
    assert_eq!(
        UserHash::try_from("A".repeat(32)),
        Err(EventError::BadUserHash)
    );
}

#[test]
fn endpoint_normalizes_method() {
    let e = Endpoint::new("post", "/carts/:id").unwrap();
    assert_eq!(e.to_string(), "POST /carts/:id");
    assert_eq!(Endpoint::new("", "/x").unwrap().method, "ANY");
    assert!(Endpoint::new("GET", " ").is_err());
}

#[test]
fn source_merge_keys() {
    let cw = Source::CloudWatch {
        log_group: "/aws/lambda/checkout".into(),
        log_stream: "2024/05/01/[$LATEST]abc".into(),
        event_id: "1".into(),
    };
    assert_eq!(cw.merge_key(), "cloudwatch:/aws/lambda/checkout");
    assert_eq!(cw.name(), "cloudwatch");
    let sentry = Source::Sentry {
        project: "web".into(),
        issue_id: "77".into(),
        event_id: "e".into(),
    };
    assert_eq!(sentry.merge_key(), "sentry:web/77");
    let file = Source::File {
        path: "x.log".into(),
        offset: 3,
    };
    assert_eq!(file.merge_key(), "file:x.log");
}

#[test]
fn unhandled_only_when_the_source_says_so() {
    let mut e = ErrorEvent {
        source: Source::File {
            path: "x.log".into(),
            offset: 1,
        },
        timestamp: DateTime::<Utc>::from_timestamp(1_714_521_600, 0).unwrap(),
        service: Service::new("checkout").unwrap(),
        environment: Environment::new("production").unwrap(),
        release: None,
        level: LogLevel::Error,
        handled: None,
        exception_type: None,
        message: "boom".into(),
        frames: vec![],
        endpoint: None,
        user: None,
        request_id: None,
        link: None,
    };
    assert!(!e.is_unhandled());
    e.handled = Some(false);
    assert!(e.is_unhandled());
}
