//! What the sync benchmarks share: the real router served on loopback, and percentiles.

#![allow(dead_code)] // each benchmark uses part of it

use std::sync::Arc;
use std::time::Duration;

use raksa_server::api::{AppState, Peer, router};

/// Serves `state` with the real router on a loopback port in a thread of its own and
/// returns its address. With `per_address`, each connection's address reaches the
/// server's per-address limits (as behind no proxy in production).
pub fn serve(state: AppState, per_address: bool) -> String {
    let state = Arc::new(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            if per_address {
                axum::serve(
                    l,
                    router(state).into_make_service_with_connect_info::<Peer>(),
                )
                .await
                .unwrap();
            } else {
                axum::serve(l, router(state)).await.unwrap();
            }
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// The `p` quantile (0–1, nearest rank) of `v` in milliseconds; 0 for no samples.
pub fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}
