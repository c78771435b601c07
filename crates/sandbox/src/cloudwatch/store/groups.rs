//! `DescribeLogGroups` over the store: groups in name order, by prefix or substring.

use super::{ACCOUNT, Group, MAX_GROUPS_PER_PAGE, REGION, Store, check_group_name, token};
use crate::cloudwatch::wire::{
    ApiError, DescribeLogGroupsRequest, DescribeLogGroupsResponse, LogGroup,
};

impl Store {
    pub fn describe_log_groups(
        &self,
        request: &DescribeLogGroupsRequest,
    ) -> Result<DescribeLogGroupsResponse, ApiError> {
        let limit = request.limit.unwrap_or(MAX_GROUPS_PER_PAGE);
        if !(1..=MAX_GROUPS_PER_PAGE).contains(&limit) {
            return Err(ApiError::constraint(
                "limit",
                limit,
                "Member must have value less than or equal to 50 and greater than or equal to 1",
            ));
        }
        if request.log_group_name_prefix.is_some() && request.log_group_name_pattern.is_some() {
            return Err(ApiError::invalid(
                "logGroupNamePrefix and logGroupNamePattern are mutually exclusive",
            ));
        }
        let after = match &request.next_token {
            Some(text) => Some(token::decode_name(text)?),
            None => None,
        };
        if let Some(prefix) = &request.log_group_name_prefix {
            check_group_name("logGroupNamePrefix", prefix)?;
        }
        let prefix = request.log_group_name_prefix.as_deref().unwrap_or("");
        let pattern = request.log_group_name_pattern.as_deref().unwrap_or("");
        let mut matching = self
            .groups
            .iter()
            .filter(|(name, _)| after.as_deref().is_none_or(|a| name.as_str() > a))
            .filter(|(name, _)| name.starts_with(prefix) && name.contains(pattern));
        let mut response = DescribeLogGroupsResponse::default();
        for (name, group) in matching.by_ref().take(limit as usize) {
            response.log_groups.push(describe(name, group));
        }
        if matching.next().is_some()
            && let Some(last) = response.log_groups.last()
        {
            response.next_token = Some(token::encode_name(&last.log_group_name));
        }
        Ok(response)
    }
}

fn describe(name: &str, group: &Group) -> LogGroup {
    let log_group_arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}");
    LogGroup {
        log_group_name: name.to_string(),
        creation_time: group.creation_time_ms,
        metric_filter_count: 0,
        arn: format!("{log_group_arn}:*"),
        stored_bytes: group.stored_bytes,
        log_group_class: "STANDARD".to_string(),
        log_group_arn,
    }
}
