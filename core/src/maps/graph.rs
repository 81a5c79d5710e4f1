//! The dependency graph of a map's services: an order that puts every service
//! after what it depends on, and the cycle that prevents one.

use std::collections::BTreeMap;

use super::model::ContainerMap;

/// The services, each after its dependencies (ties in name order), or the
/// first cycle found, as the services along it (`[a, b, a]`).
pub fn order(map: &ContainerMap) -> Result<Vec<String>, Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = map
        .services
        .keys()
        .map(|k| (k.as_str(), Mark::New))
        .collect();
    let mut out = Vec::with_capacity(map.services.len());
    // Depth first without recursion, so a long chain of services cannot overflow the stack.
    for start in map.services.keys() {
        if marks[start.as_str()] != Mark::New {
            continue;
        }
        let mut path: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), deps(map, start))];
        marks.insert(start.as_str(), Mark::Open);
        while let Some((node, pending)) = path.last_mut() {
            match pending.pop() {
                Some(next) => match marks.get(next).copied() {
                    Some(Mark::New) => {
                        marks.insert(next, Mark::Open);
                        let d = deps(map, next);
                        path.push((next, d));
                    }
                    Some(Mark::Open) => {
                        let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|(n, _)| n.to_string()).collect();
                        cycle.push(next.to_string());
                        return Err(cycle);
                    }
                    // Done, or not a service (validation reports that).
                    _ => {}
                },
                None => {
                    let done = *node;
                    marks.insert(done, Mark::Done);
                    out.push(done.to_string());
                    path.pop();
                }
            }
        }
    }
    Ok(out)
}

/// A service's dependencies, reversed so that popping takes them in name order.
fn deps<'a>(map: &'a ContainerMap, service: &str) -> Vec<&'a str> {
    let mut d: Vec<&str> = map.services[service]
        .depends_on
        .keys()
        .map(String::as_str)
        .collect();
    d.reverse();
    d
}

/// The services that depend on `service`, directly.
pub fn dependents<'a>(map: &'a ContainerMap, service: &str) -> Vec<&'a str> {
    map.services
        .iter()
        .filter(|(_, s)| s.depends_on.contains_key(service))
        .map(|(k, _)| k.as_str())
        .collect()
}
