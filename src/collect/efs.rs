//! EFS: file systems.

use rampart_checks::Collected;
use rampart_checks::inventory::services::FileSystem;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::{Session, read};

pub async fn file_systems(client: &aws_sdk_efs::Client) -> Collected<Vec<FileSystem>> {
    read::items(
        "elasticfilesystem:DescribeFileSystems",
        client.describe_file_systems().into_paginator().items().send(),
        |f| FileSystem {
            file_system_id: f.file_system_id().to_string(),
            arn: f.file_system_arn().map(str::to_string),
            encrypted: f.encrypted().unwrap_or(false),
        }
    )
    .await
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::EfsFileSystems, file_systems(&session.efs(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.efs_file_systems = read) as Apply<_>
    })
}
