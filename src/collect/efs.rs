//! EFS: file systems.

use rampart_checks::Collected;
use rampart_checks::inventory::efs::FileSystem;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn file_systems(client: &aws_sdk_efs::Client) -> Collected<Vec<FileSystem>> {
    collect_items!(
        "elasticfilesystem:DescribeFileSystems",
        client.describe_file_systems().into_paginator(),
        |f: aws_sdk_efs::types::FileSystemDescription| FileSystem {
            file_system_id: f.file_system_id().to_string(),
            arn: f.file_system_arn().map(str::to_string),
            encrypted: f.encrypted().unwrap_or(false),
        }
    )
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::EfsFileSystems, file_systems(&session.efs(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.efs.file_systems = read) as Apply<_>
    })
}
