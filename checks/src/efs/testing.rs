//! Builders of EFS inventories for the checks' unit tests.

use crate::inventory::efs::FileSystem;
use crate::testing::{ACCOUNT, REGION};

/// A file system, encrypted or not.
pub fn file_system(id: &str, encrypted: bool) -> FileSystem {
    FileSystem {
        file_system_id: id.to_string(),
        arn: Some(format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{id}")),
        encrypted,
    }
}
