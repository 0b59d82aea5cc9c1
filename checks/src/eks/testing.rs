//! Builders of EKS inventories for the checks' unit tests.

use crate::inventory::Collected;
use crate::inventory::eks::Cluster;
use crate::testing::{ACCOUNT, REGION};

/// A cluster configured as the checks want it: private endpoint, secrets encrypted, the
/// three log types, version 1.33, the VPC CNI enforcing network policies, no access entry.
pub fn cluster(name: &str) -> Cluster {
    Cluster {
        name: name.to_string(),
        arn: format!("arn:aws:eks:{REGION}:{ACCOUNT}:cluster/{name}"),
        version: Some("1.33".to_string()),
        endpoint_public_access: false,
        endpoint_private_access: true,
        public_access_cidrs: Vec::new(),
        secrets_kms_key: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k")),
        enabled_log_types: vec!["api".into(), "audit".into(), "authenticator".into()],
        authentication_mode: Some("API".to_string()),
        addons: Collected::Known(vec!["vpc-cni".into()]),
        vpc_cni_configuration: Collected::Known(Some(r#"{"enableNetworkPolicy":"true"}"#.into())),
        access_entries: Collected::Known(Vec::new()),
    }
}
