//! TLS against a real Alertmanager that requires client certificates
//! (`--web.config.file`): our CA file, client identity, and the insecure
//! switch. Certificates are made with the `openssl` command.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{find_binary, free_port, spec, temp_dir, Proc};
use oncall::source::{fetch_once, SourceError, SourceKind, SourceSpec};

const TIMEOUT: Duration = Duration::from_secs(5);

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new(find_openssl())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn find_openssl() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("openssl"))
        .find(|p| p.is_file())
        .expect("openssl not found on PATH; install with: apt-get install openssl")
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate.
fn make_certs(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=oncall-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    openssl(dir, &ca);
    for (who, ext) in [
        (
            "server",
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        ),
        (
            "client",
            "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
        ),
    ] {
        std::fs::write(dir.join(format!("{who}.ext")), ext).unwrap();
        let (key, csr, pem, e) = (
            format!("{who}.key"),
            format!("{who}.csr"),
            format!("{who}.pem"),
            format!("{who}.ext"),
        );
        let mut req = vec!["req"];
        req.extend(ec);
        req.extend(["-keyout", &key, "-out", &csr, "-subj", "/CN=127.0.0.1"]);
        openssl(dir, &req);
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &e,
            ],
        );
    }
}

#[tokio::test]
async fn client_certificates_and_private_ca() {
    let dir = temp_dir("tls");
    make_certs(&dir);
    let web = format!(
        "tls_server_config:\n  cert_file: {0}/server.pem\n  key_file: {0}/server.key\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {0}/ca.pem\n",
        dir.display()
    );
    std::fs::write(dir.join("web.yml"), web).unwrap();
    std::fs::write(
        dir.join("am.yml"),
        "route: {receiver: team}\nreceivers: [{name: team}]\n",
    )
    .unwrap();
    let port = free_port();
    let args = vec![
        format!("--config.file={}/am.yml", dir.display()),
        format!("--web.config.file={}/web.yml", dir.display()),
        format!("--storage.path={}/data", dir.display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
        "--cluster.listen-address=".into(),
    ];
    let bin = find_binary(&["prometheus-alertmanager", "alertmanager"]);
    let mut am = Proc::spawn("alertmanager-tls", &bin, &args, dir.join("am.log"));
    am.wait_listening(port, Duration::from_secs(30));

    let mut full: SourceSpec = spec(
        "am-tls",
        SourceKind::Alertmanager,
        &format!("https://127.0.0.1:{port}/"),
        None,
    );
    full.tls.ca_file = Some(dir.join("ca.pem"));
    full.tls.cert_file = Some(dir.join("client.pem"));
    full.tls.key_file = Some(dir.join("client.key"));
    let snap = fetch_once(&full, TIMEOUT)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", am.log_tail()));
    assert!(snap.alerts.is_empty());
    assert!(
        snap.peer.is_some(),
        "status answered (cluster disabled, still a name)"
    );

    let mut no_ca = full.clone();
    no_ca.tls.ca_file = None;
    let e = fetch_once(&no_ca, TIMEOUT).await.unwrap_err();
    eprintln!("without the CA: {e}");
    assert_eq!(
        e.to_string(),
        "cannot connect: TLS: the server's certificate is signed by an unknown CA (set ca_file?)"
    );

    let mut no_identity = full.clone();
    no_identity.tls.cert_file = None;
    no_identity.tls.key_file = None;
    let e = fetch_once(&no_identity, TIMEOUT).await.unwrap_err();
    eprintln!("without a client certificate: {e}");
    assert_eq!(
        e,
        SourceError::Connect(
            "TLS: the server refused our client certificate (check cert_file and key_file)".into()
        )
    );

    let mut insecure = no_ca.clone();
    insecure.tls.insecure_skip_verify = true;
    fetch_once(&insecure, TIMEOUT)
        .await
        .expect("insecure_skip_verify accepts an unknown CA");

    let mut half = full.clone();
    half.tls.key_file = None;
    let e = fetch_once(&half, TIMEOUT).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("cert_file and key_file must be given together"),
        "{e}"
    );

    drop(am);
    let _ = std::fs::remove_dir_all(dir);
}
