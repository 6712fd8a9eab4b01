//! The synthetic configs load, with the requested size, and fit the emulator.

use garrison_testkit::synth;

#[test]
fn synthetic_configs_validate_with_the_requested_size() {
    for n in [20, 100, 1000] {
        assert_eq!(count(&synth::scaled(n)), n, "n={n}");
    }
}

#[test]
fn reliability_configs_validate_with_the_requested_size() {
    for n in [20, 100, 1000] {
        let text = synth::config(n);
        assert_eq!(count(&text), n, "n={n}");
        assert_eq!(text.matches("ssh-key \"").count(), 3, "n={n}");
    }
}

fn count(text: &str) -> usize {
    let loaded =
        garrison_config::load_str("bench.kdl", text, &Default::default()).unwrap_or_else(|f| {
            panic!(
                "{:?}",
                f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
            )
        });
    loaded.model.resources.len()
}

#[test]
fn account_configs_validate_and_fit_the_emulator() {
    for n in [20, 250, 1000, 10_000] {
        let text = synth::account(n);
        assert_eq!(count(&text), n, "n={n}");
        let vms = text.matches("\nvm \"").count();
        assert!(vms >= n / 20, "n={n}: only {vms} VMs");
        assert!(vms <= 576, "n={n}: {vms} VMs exceed the emulator's stock");
        assert!(text.matches("ssh-key \"").count() <= 25);
        assert!(text.matches("firewall \"").count() <= 25);
    }
}

#[test]
fn large_accounts_hold_one_vm_in_16_within_their_cells_stock() {
    for n in [40_000] {
        let cell = synth::account_cell(n);
        let text = synth::account_with(n, cell);
        assert_eq!(count(&text), n, "n={n}");
        let vms = text.matches("\nvm \"").count();
        assert_eq!(vms, n / 16, "n={n}");
        // Each (region, GPU model) cell of one-GPU VMs fits a stock of `cell`.
        let mut cells = std::collections::BTreeMap::new();
        for vm in text.split("\nvm \"").skip(1) {
            let mut lines = vm.lines().skip(1).map(str::trim);
            let key = (lines.next(), lines.next());
            *cells.entry(key).or_insert(0) += 1;
        }
        assert_eq!(cells.len(), 24, "n={n}");
        assert!(cells.values().all(|&c| c <= cell), "n={n}: {cells:?}");
        assert!(cell > 64, "n={n}: cell {cell} fits the contract's stock");
        assert!(text.matches("ssh-key \"").count() <= 25);
        assert!(text.matches("firewall \"").count() <= 25);
    }
}

#[test]
fn random_dags_are_seeded_valid_and_chain_through_images() {
    let (a, shape) = synth::random_dag(500, 7);
    let (b, _) = synth::random_dag(500, 7);
    let (c, _) = synth::random_dag(500, 8);
    assert_eq!(a, b, "same seed, same config");
    assert_ne!(a, c, "another seed, another config");
    assert_eq!(count(&a), 500);
    let total = shape.vms
        + shape.snapshots
        + shape.images
        + shape.volumes
        + shape.scripts
        + shape.keys
        + shape.firewalls;
    assert_eq!(total, 500, "{shape:?}");
    assert!(
        a.contains("image (ref)\"image."),
        "some VM boots from a custom image"
    );
    assert!(shape.vms <= 3 * 8 * 60);
}

#[test]
fn counted_configs_validate_with_the_requested_size() {
    for n in [200, 1000, 10_000] {
        assert_eq!(count(&synth::counted(n)), n, "n={n}");
    }
}
