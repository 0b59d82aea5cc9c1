//! SNS: subscriptions.

use rampart_checks::Collected;
use rampart_checks::inventory::sns::Subscription;

use rampart_checks::inventory::{Plan, RegionInventory, Source};

use super::{Apply, RegionalRead, tracked};
use crate::aws::Session;

pub async fn subscriptions(client: &aws_sdk_sns::Client) -> Collected<Vec<Subscription>> {
    // Endpoints (e-mail addresses, phone numbers) are personal data: not kept.
    collect_items!("sns:ListSubscriptions", client.list_subscriptions().into_paginator(), |s: aws_sdk_sns::types::Subscription| {
        Subscription {
            topic_arn: s.topic_arn().unwrap_or_default().to_string(),
            subscription_arn: s.subscription_arn().map(str::to_string),
        }
    })
}

/// The table's entry: the reads the plan holds, in one region.
pub(super) fn regional<'a>(session: &'a Session, region: &'a str, plan: &'a Plan) -> RegionalRead<'a> {
    Box::pin(async move {
        let read = tracked(plan, Source::SnsSubscriptions, subscriptions(&session.sns(region))).await;
        Box::new(move |inv: &mut RegionInventory| inv.sns.subscriptions = read) as Apply<_>
    })
}
