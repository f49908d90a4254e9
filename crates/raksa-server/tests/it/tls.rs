//! HTTPS straight from certificate files: a client that trusts the certificate gets the
//! API; a plain-HTTP client gets nothing.

use std::sync::Arc;

use raksa_server::api::{AppState, router};
use raksa_server::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

#[test]
fn the_server_speaks_https_from_certificate_files() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_path = tmp.path().join("cert.pem");
    let key_path = tmp.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let state = Arc::new(AppState::new(store, 100.0, 100.0));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let acceptor = raksa_server::tls::acceptor(&cert_path, &key_path).unwrap();
        let listener = raksa_server::tls::bind("127.0.0.1:0", acceptor)
            .await
            .unwrap();
        let addr = axum::serve::Listener::local_addr(&listener).unwrap();
        tokio::spawn(async move { axum::serve(listener, router(state)).await });

        // a client that trusts the certificate
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.cert.der().clone()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut tls = connector.connect(name, tcp).await.unwrap();
        tls.write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let _ = tls.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf);
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.contains("\"protocol\":1"), "{text}");

        // plain HTTP to the TLS port gets no answer
        let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
        plain
            .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(3),
            plain.read_to_end(&mut buf),
        )
        .await;
        assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    });
}
