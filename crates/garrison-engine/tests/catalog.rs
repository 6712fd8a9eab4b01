//! The config's catalog (regions, GPU models, limits, ...) mirrors `barrack_api::wire`:
//! the arrows forbid garrison-config -> barrack-api, so this test keeps the two in step.

use barrack_api::wire;
use garrison_config::catalog;

#[test]
fn catalog_matches_the_wire_contract() {
    assert_eq!(catalog::REGIONS, wire::REGIONS);
    let wire_gpus: Vec<&str> = wire::GPU_PRICES.iter().map(|(m, _)| *m).collect();
    assert_eq!(catalog::GPU_MODELS, wire_gpus.as_slice());
    assert_eq!(catalog::GPU_COUNTS, wire::GPU_COUNTS);
    assert_eq!(catalog::OS_IMAGES, wire::OS_IMAGES);
    assert_eq!(catalog::VOLUME_TYPES, wire::VOLUME_TYPES);
    assert_eq!(catalog::PROTOCOLS, wire::PROTOCOLS);
    assert_eq!(catalog::NAME_MAX, wire::NAME_MAX);
    assert_eq!(catalog::CLOUD_INIT_MAX_BYTES, wire::CLOUD_INIT_MAX_BYTES);
    assert_eq!(catalog::VOLUME_SIZE_MIN_GB, wire::VOLUME_MIN_GB);
    assert_eq!(catalog::VOLUME_SIZE_MAX_GB, wire::VOLUME_MAX_GB);
    assert_eq!(
        catalog::BOOTABLE_VOLUME_MIN_GB,
        wire::BOOTABLE_VOLUME_MIN_GB
    );
    assert_eq!(catalog::FIREWALL_DESCRIPTION_MAX, wire::DESCRIPTION_MAX);
    assert_eq!(catalog::FIREWALLS_PER_ACCOUNT, wire::MAX_FIREWALLS);
    assert_eq!(catalog::SSH_KEYS_PER_ACCOUNT, wire::MAX_SSH_KEYS);
    for name in ["team-a trainer_0.x", "a b", "bad/name", "", "ssh-key.1"] {
        let config = !name.is_empty()
            && name.chars().count() <= catalog::NAME_MAX
            && name.chars().all(catalog::is_name_char);
        assert_eq!(config, wire::valid_name(name, true), "name {name:?}");
        let key = !name.is_empty()
            && name.chars().count() <= catalog::NAME_MAX
            && name.chars().all(catalog::is_ssh_key_name_char);
        assert_eq!(key, wire::valid_name(name, false), "ssh key name {name:?}");
    }
}
