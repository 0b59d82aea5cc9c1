//! AWS Config: configuration recorders and their status.

use rampart_checks::Collected;
use rampart_checks::inventory::config::ConfigRecorder;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;
use crate::aws::error::describe;

pub async fn config_recorders(client: &aws_sdk_config::Client) -> Collected<Vec<ConfigRecorder>> {
    let (recorders, statuses) = tokio::join!(
        client.describe_configuration_recorders().send(),
        client.describe_configuration_recorder_status().send()
    );
    let recorders = match recorders {
        Ok(out) => out.configuration_recorders().to_vec(),
        Err(e) => return Collected::Unknown(describe("config:DescribeConfigurationRecorders", &e)),
    };
    let statuses = match statuses {
        Ok(out) => out.configuration_recorders_status().to_vec(),
        Err(e) => return Collected::Unknown(describe("config:DescribeConfigurationRecorderStatus", &e)),
    };
    Collected::Known(
        recorders
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default().to_string();
                let status = statuses.iter().find(|s| s.name() == Some(name.as_str()));
                ConfigRecorder {
                    all_supported: r.recording_group().map(|g| g.all_supported()).unwrap_or(false),
                    include_global_resource_types: r.recording_group().map(|g| g.include_global_resource_types()).unwrap_or(false),
                    recording: status.map(|s| s.recording()),
                    last_status: status.and_then(|s| s.last_status()).map(|s| s.as_str().to_string()),
                    name,
                }
            })
            .collect(),
    )
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::ConfigRecorders, config_recorders(&session.config_service(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.config.configuration_recorders = read) as Apply<_>
    })
}
