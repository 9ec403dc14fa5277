//! Running the real `oncall` binary with a clean environment, and reading
//! back what an Alertmanager holds.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{eventually, temp_dir, Alertmanagers};

/// A throwaway HOME (config and state dirs inside), removed on drop.
pub struct Home(pub PathBuf);

impl Home {
    pub fn new() -> Home {
        Home(temp_dir("cli-home"))
    }

    /// `oncall ARGS` with no user config, no ALERTMANAGER_URL, no ONCALL_CONFIG.
    pub fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_oncall"));
        c.args(args)
            .env_remove("ALERTMANAGER_URL")
            .env_remove("ONCALL_CONFIG")
            .env("HOME", &self.0)
            .env("USER", "tester")
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_STATE_HOME", self.0.join("state"));
        c
    }

    /// The state directory `oncall` uses under this HOME.
    pub fn state_dir(&self) -> PathBuf {
        self.0.join("state").join("oncall")
    }

    /// Writes a config file and returns its path.
    pub fn config(&self, yaml: &str) -> String {
        let path = self.0.join("oncall.yaml");
        std::fs::write(&path, yaml).unwrap();
        path.display().to_string()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `oncall ARGS` to the end.
pub fn oncall<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Home::new().command(args).output().expect("run oncall")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--alertmanager URL` for each member.
pub fn am_flags(ams: &Alertmanagers) -> Vec<String> {
    ams.urls
        .iter()
        .flat_map(|u| ["--alertmanager".to_string(), u.clone()])
        .collect()
}

/// `args` followed by `extra`, as owned strings.
pub fn args(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect()
}

/// A config file naming the members `am0`, `am1`, ... in cluster `test`.
pub fn cluster_config(ams: &Alertmanagers, extra: &str) -> String {
    let mut yaml = String::from("alertmanagers:\n");
    for (name, url) in ams.names.iter().zip(&ams.urls) {
        yaml.push_str(&format!(
            "  - {{name: {name}, url: \"{url}\", cluster: test}}\n"
        ));
    }
    yaml + extra
}

pub async fn get(url: &str) -> Result<Value, String> {
    let resp = reqwest::get(url).await.map_err(|e| e.to_string())?;
    resp.json().await.map_err(|e| e.to_string())
}

/// Every silence the member at `url` holds (any state).
pub async fn silences(url: &str) -> Result<Vec<Value>, String> {
    let v = get(&format!("{url}/api/v2/silences")).await?;
    Ok(v.as_array().cloned().unwrap_or_default())
}

/// The active `ACK!` silences the member at `url` holds.
pub async fn active_acks(url: &str) -> Result<Vec<Value>, String> {
    Ok(silences(url)
        .await?
        .into_iter()
        .filter(|s| {
            s["status"]["state"] == "active"
                && s["comment"].as_str().is_some_and(|c| c.starts_with("ACK!"))
        })
        .collect())
}

/// The state (`active` / `suppressed`) and silencedBy of the alert named
/// `alertname` on the member at `url`.
pub async fn alert_status(url: &str, alertname: &str) -> Result<(String, Vec<Value>), String> {
    let alerts = get(&format!("{url}/api/v2/alerts")).await?;
    let a = alerts
        .as_array()
        .and_then(|list| list.iter().find(|a| a["labels"]["alertname"] == alertname))
        .ok_or_else(|| format!("no alert {alertname} on {url}: {alerts}"))?;
    Ok((
        a["status"]["state"].as_str().unwrap_or("").to_string(),
        a["status"]["silencedBy"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    ))
}

/// Waits until every member holds silence `id` in `state`; returns member 0's copy.
pub async fn held(ams: &Alertmanagers, id: &str, state: &str) -> Value {
    let mut copies = Vec::new();
    for url in &ams.urls {
        let copy = eventually(
            "the silence on every member",
            Duration::from_secs(20),
            || async move {
                let all = silences(url).await?;
                match all.iter().find(|s| s["id"] == id) {
                    Some(s) if s["status"]["state"] == state => Ok(s.clone()),
                    other => Err(format!("{url}: {other:?}")),
                }
            },
        )
        .await;
        copies.push(copy);
    }
    copies.swap_remove(0)
}

pub fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Waits until every member lists every other one as a gossip peer.
pub async fn wait_gossip(ams: &Alertmanagers) {
    for url in &ams.urls {
        let n = ams.urls.len();
        eventually(
            "the HA members gossip with each other",
            Duration::from_secs(30),
            || async move {
                let status = get(&format!("{url}/api/v2/status")).await?;
                let peers = status["cluster"]["peers"].as_array().map_or(0, |p| p.len());
                if peers == n {
                    Ok(())
                } else {
                    Err(format!("{url} sees {peers} of {n} peers"))
                }
            },
        )
        .await;
    }
}

/// Posts one firing alert with these labels to every member and waits until each holds it.
pub async fn fire(ams: &Alertmanagers, labels: Value) {
    let name = labels["alertname"].as_str().unwrap().to_string();
    ams.post_alerts(serde_json::json!([{ "labels": labels }]))
        .await;
    for url in &ams.urls {
        let name = name.clone();
        eventually(
            "the alert reaches every member",
            Duration::from_secs(20),
            || {
                let name = name.clone();
                async move { alert_status(url, &name).await.map(|_| ()) }
            },
        )
        .await;
    }
}

/// The lines of stdout.
pub fn lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

/// Creates silences (1h, on `alertname=Prefix{n}`) on the member at `url`
/// until two ids share their first `chars` characters; returns those two.
pub async fn silences_sharing_a_prefix(url: &str, chars: usize) -> (String, String) {
    let client = reqwest::Client::new();
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    for n in 0..5000 {
        let now = Utc::now();
        let body = serde_json::json!({
            "matchers": [{"name": "alertname", "value": format!("Prefix{n}"), "isRegex": false, "isEqual": true}],
            "startsAt": now.to_rfc3339(),
            "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(),
            "createdBy": "bulk",
            "comment": "prefix test",
        });
        let resp = client
            .post(format!("{url}/api/v2/silences"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        let v: Value = resp.json().await.unwrap();
        let id = v["silenceID"].as_str().unwrap().to_string();
        if let Some(first) = seen.insert(id[..chars].to_string(), id.clone()) {
            return (first, id);
        }
    }
    panic!("5000 silences and no two share {chars} characters");
}
