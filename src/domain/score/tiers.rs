//! `TierRules`: which services and routes are business-critical (`[tiers]` in config), and
//! the tier of a cluster — the highest of its service's tier and its endpoints' tiers.
//!
//! Route rules are written `"METHOD /path"` or `"/path"` (any method); a trailing `*`
//! matches any suffix (`"/auth/*"`). Service names compare case-insensitively.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Tier;
use crate::domain::event::{Endpoint, Service};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TierRules {
    /// The tier of anything not listed.
    pub default: Tier,
    /// Service name → tier, e.g. `payments = "critical"`.
    pub services: BTreeMap<String, Tier>,
    /// Route rule → tier, e.g. `"POST /checkout" = "critical"`, `"/auth/*" = "critical"`.
    pub routes: BTreeMap<String, Tier>,
}

impl TierRules {
    /// The highest tier among the default, the service's and the endpoints' rules.
    pub fn tier_of<'a>(
        &self,
        service: &Service,
        endpoints: impl IntoIterator<Item = &'a Endpoint>,
    ) -> Tier {
        let service_tier = self
            .services
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(service.as_str()))
            .map(|(_, tier)| *tier)
            .max();
        let route_tier = endpoints
            .into_iter()
            .flat_map(|e| {
                self.routes
                    .iter()
                    .filter(move |(rule, _)| route_matches(rule, e))
                    .map(|(_, tier)| *tier)
            })
            .max();
        [Some(self.default), service_tier, route_tier]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or_default()
    }

    /// Problems as `(key path below the section, reason)`.
    pub fn validate(&self) -> Vec<(String, String)> {
        self.routes
            .keys()
            .filter_map(|rule| {
                let (_, path) = split_rule(rule);
                (!path.starts_with('/')).then(|| {
                    (
                        format!("routes.{rule:?}"),
                        "a route rule is \"METHOD /path\" or \"/path\" (a trailing * matches any suffix)".into(),
                    )
                })
            })
            .collect()
    }
}

fn split_rule(rule: &str) -> (Option<&str>, &str) {
    match rule.trim().split_once(' ') {
        Some((method, path)) => (Some(method), path.trim()),
        None => (None, rule.trim()),
    }
}

fn route_matches(rule: &str, endpoint: &Endpoint) -> bool {
    let (method, path) = split_rule(rule);
    if let Some(m) = method
        && !m.eq_ignore_ascii_case(&endpoint.method)
        && endpoint.method != "ANY"
    {
        return false;
    }
    match path.strip_suffix('*') {
        Some(prefix) => endpoint.route.starts_with(prefix),
        None => endpoint.route == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> TierRules {
        TierRules {
            default: Tier::Normal,
            services: [
                ("Payments".to_owned(), Tier::Critical),
                ("batch".into(), Tier::Low),
            ]
            .into(),
            routes: [
                ("POST /checkout".to_owned(), Tier::Critical),
                ("/auth/*".into(), Tier::High),
            ]
            .into(),
        }
    }

    fn svc(name: &str) -> Service {
        Service::new(name).unwrap()
    }

    fn ep(method: &str, route: &str) -> Endpoint {
        Endpoint::new(method, route).unwrap()
    }

    #[test]
    fn services_routes_and_the_default_give_the_highest_tier() {
        let r = rules();
        assert_eq!(r.tier_of(&svc("payments"), []), Tier::Critical);
        assert_eq!(r.tier_of(&svc("search"), []), Tier::Normal);
        // The default is a floor: a low-tier service is still at least the default.
        assert_eq!(r.tier_of(&svc("batch"), []), Tier::Normal);
        let checkout = ep("post", "/checkout");
        assert_eq!(r.tier_of(&svc("web"), [&checkout]), Tier::Critical);
        let get_checkout = ep("GET", "/checkout");
        assert_eq!(r.tier_of(&svc("web"), [&get_checkout]), Tier::Normal);
        let login = ep("POST", "/auth/login");
        assert_eq!(r.tier_of(&svc("web"), [&get_checkout, &login]), Tier::High);
    }

    #[test]
    fn a_low_default_lets_low_services_be_low() {
        let r = TierRules {
            default: Tier::Low,
            ..rules()
        };
        assert_eq!(r.tier_of(&svc("batch"), []), Tier::Low);
    }

    #[test]
    fn route_rules_must_name_a_path() {
        let mut r = rules();
        r.routes.insert("POST checkout".into(), Tier::High);
        let problems = r.validate();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].0.contains("POST checkout"), "{problems:?}");
    }
}
