//! `containers`: image references, environment value shapes, VPC CNI configuration values and
//! Kubernetes versions, as the container checks read them from AWS.

use crate::images::{ImageRef, trusted_by};
use crate::ecs::secrets::{ValueShape, why_secret};
use crate::eks::calendar;

/// Input: UTF-8 text; the whole text and each of its lines go through every parser.
pub fn containers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 4096 {
        return;
    }
    for line in std::iter::once(text).chain(text.lines()) {
        image(line);
        shape(line);
        let first = crate::eks::network_policy_enabled(line);
        assert_eq!(first, crate::eks::network_policy_enabled(line), "network_policy_enabled is deterministic");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date");
        let support = calendar::support(line, today);
        assert_eq!(support.is_some(), calendar::minor(line).is_some(), "support is known exactly when the version reads");
    }
}

fn image(text: &str) {
    let Ok(image) = ImageRef::parse(text) else { return };
    assert!(!image.registry.is_empty(), "{text:?}: an empty registry");
    assert!(!image.repository.is_empty() && image.repository.split('/').all(|c| !c.is_empty()), "{text:?}: an empty path component");
    assert!(image.tag.is_some() || image.digest.is_some(), "{text:?}: neither tag nor digest");
    assert!(!text.chars().any(char::is_whitespace), "{text:?}: whitespace accepted");
    // Written out in full and read again, the reference is the same.
    let mut full = image.full_name();
    if let Some(tag) = &image.tag {
        full.push(':');
        full.push_str(tag);
    }
    if let Some(digest) = &image.digest {
        full.push('@');
        full.push_str(digest);
    }
    assert_eq!(ImageRef::parse(&full).as_ref(), Ok(&image), "{text:?} → {full:?} reads differently");
    assert_eq!(trusted_by(&image, &[]), None, "an empty list trusts nothing");
    // A registry entry naming the image's own registry (without wildcards) trusts it.
    if !image.registry.contains('*') {
        assert!(trusted_by(&image, &[image.registry.clone()]).is_some(), "{text:?}: its own registry does not trust it");
    }
    if let Some((account, region)) = image.ecr() {
        assert!(account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()), "{text:?}: ECR account {account:?}");
        assert!(!region.is_empty(), "{text:?}: ECR without a region");
    }
}

fn shape(text: &str) {
    let shape = ValueShape::of(text);
    assert_eq!(shape, ValueShape::of(text), "ValueShape::of is deterministic");
    if text.trim().is_empty() {
        assert_eq!(shape, ValueShape::Empty);
    }
    // A credential's shape is a secret whatever the name; nothing is a secret without a
    // credential's shape or a secret's name.
    assert_eq!(why_secret("PLAIN", shape).is_some(), shape.is_credential(), "{text:?}: {shape:?}");
    if matches!(shape, ValueShape::Empty | ValueShape::Scalar | ValueShape::Reference) {
        assert!(why_secret("DB_PASSWORD", shape).is_none(), "{text:?}: {shape:?} judged a secret");
    }
}
