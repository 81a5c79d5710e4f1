//! Container stats for the monitor, computed as `docker stats` does: CPU % from
//! the CPU and system deltas of a sample, memory without the page cache, and
//! network and block I/O as totals and as rates against the previous sample.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

/// One container's resource use at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerStats {
    pub id: String,
    pub name: String,
    /// Of one CPU: 200.0 is two CPUs busy.
    pub cpu_percent: f64,
    /// Bytes in use, without the page cache.
    pub memory_usage: u64,
    pub memory_limit: u64,
    pub memory_percent: f64,
    pub net_rx_bytes: u64,
    pub net_tx_bytes: u64,
    pub block_read_bytes: u64,
    pub block_write_bytes: u64,
    /// Bytes a second since the previous sample (0 for the first).
    pub net_rx_rate: f64,
    pub net_tx_rate: f64,
    pub block_read_rate: f64,
    pub block_write_rate: f64,
    pub pids: u64,
}

fn num(v: &Value, path: &[&str]) -> u64 {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// The stats of one sample of the daemon (`GET /containers/{id}/stats?stream=false`),
/// with rates against `previous` (the same container's last stats and when).
pub(crate) fn compute(
    id: &str,
    sample: &Value,
    previous: Option<(&ContainerStats, f64)>,
    now: f64,
) -> ContainerStats {
    let cpu_delta = num(sample, &["cpu_stats", "cpu_usage", "total_usage"])
        .saturating_sub(num(sample, &["precpu_stats", "cpu_usage", "total_usage"]))
        as f64;
    let system_delta = num(sample, &["cpu_stats", "system_cpu_usage"])
        .saturating_sub(num(sample, &["precpu_stats", "system_cpu_usage"]))
        as f64;
    let cpus = match num(sample, &["cpu_stats", "online_cpus"]) {
        0 => sample["cpu_stats"]["cpu_usage"]["percpu_usage"]
            .as_array()
            .map_or(1, Vec::len) as f64,
        n => n as f64,
    };
    let cpu_percent = if system_delta > 0.0 {
        cpu_delta / system_delta * cpus * 100.0
    } else {
        0.0
    };
    // cgroup v1 counts the page cache as `cache`, v2 as `inactive_file`.
    let usage = num(sample, &["memory_stats", "usage"]);
    let cache = match num(sample, &["memory_stats", "stats", "inactive_file"]) {
        0 => num(sample, &["memory_stats", "stats", "cache"]),
        n => n,
    };
    let memory_usage = usage.saturating_sub(cache);
    let memory_limit = num(sample, &["memory_stats", "limit"]);
    let (mut rx, mut tx) = (0, 0);
    if let Some(networks) = sample["networks"].as_object() {
        for n in networks.values() {
            rx += num(n, &["rx_bytes"]);
            tx += num(n, &["tx_bytes"]);
        }
    }
    let (mut read, mut write) = (0, 0);
    for entry in sample["blkio_stats"]["io_service_bytes_recursive"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match entry["op"].as_str().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => read += num(entry, &["value"]),
            Some("write") => write += num(entry, &["value"]),
            _ => {}
        }
    }
    let rate = |now_total: u64, then: Option<u64>| match (previous, then) {
        (Some((_, at)), Some(then)) if now > at => {
            now_total.saturating_sub(then) as f64 / (now - at)
        }
        _ => 0.0,
    };
    let prev = previous.map(|(p, _)| p);
    ContainerStats {
        id: id.to_string(),
        name: sample["name"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_string(),
        cpu_percent,
        memory_usage,
        memory_limit,
        memory_percent: if memory_limit > 0 {
            memory_usage as f64 / memory_limit as f64 * 100.0
        } else {
            0.0
        },
        net_rx_bytes: rx,
        net_tx_bytes: tx,
        block_read_bytes: read,
        block_write_bytes: write,
        net_rx_rate: rate(rx, prev.map(|p| p.net_rx_bytes)),
        net_tx_rate: rate(tx, prev.map(|p| p.net_tx_bytes)),
        block_read_rate: rate(read, prev.map(|p| p.block_read_bytes)),
        block_write_rate: rate(write, prev.map(|p| p.block_write_bytes)),
        pids: num(sample, &["pids_stats", "current"]),
    }
}

/// The last stats of each container, with when they were taken.
pub(crate) type Last = HashMap<String, (ContainerStats, f64)>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn computed_as_docker_stats_computes() {
        let sample = |cpu: u64, system: u64, rx: u64| {
            json!({
                "name": "/web",
                "cpu_stats": {"cpu_usage": {"total_usage": cpu}, "system_cpu_usage": system, "online_cpus": 2},
                "precpu_stats": {"cpu_usage": {"total_usage": 1_000}, "system_cpu_usage": 10_000},
                "memory_stats": {"usage": 300, "limit": 1_000, "stats": {"cache": 100}},
                "networks": {"eth0": {"rx_bytes": rx, "tx_bytes": 10}, "eth1": {"rx_bytes": 5, "tx_bytes": 0}},
                "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 7}, {"op": "Write", "value": 9}]},
                "pids_stats": {"current": 3}
            })
        };
        let first = compute("c1", &sample(2_000, 20_000, 100), None, 10.0);
        assert_eq!(first.cpu_percent, 20.0); // 1,000 of 10,000 system ns, on 2 CPUs
        assert_eq!(
            (first.memory_usage, first.memory_limit, first.memory_percent),
            (200, 1_000, 20.0)
        );
        assert_eq!((first.net_rx_bytes, first.net_tx_bytes), (105, 10));
        assert_eq!(
            (first.block_read_bytes, first.block_write_bytes, first.pids),
            (7, 9, 3)
        );
        assert_eq!((first.name.as_str(), first.net_rx_rate), ("web", 0.0));
        let second = compute(
            "c1",
            &sample(2_000, 20_000, 305),
            Some((&first, 10.0)),
            12.0,
        );
        assert_eq!(second.net_rx_rate, 102.5); // 205 bytes in 2 s
    }
}
