//! The pins: resolution, what moved, what `garrison lock` writes, the file's text.

use super::*;

const UBUNTU: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";

fn image(region: &str, name: &str, id: &str) -> OsImagePin {
    OsImagePin {
        region: region.into(),
        name: name.into(),
        id: id.into(),
        size_gb: 100,
    }
}

fn gpu(region: &str, model: &str, price: f64) -> GpuPin {
    GpuPin {
        region: region.into(),
        model: model.into(),
        price_per_hour: price,
        memory_gb: 48,
        cpu_per_gpu: 16,
        ram_gb_per_gpu: 60,
        ephemeral_gb_per_gpu: 400,
    }
}

fn catalog() -> Catalog {
    Catalog {
        os_images: vec![
            image("NORWAY-1", UBUNTU, "101"),
            image("CANADA-1", UBUNTU, "201"),
        ],
        gpu_models: vec![gpu("NORWAY-1", "A40", 0.69), gpu("NORWAY-1", "L40", 1.19)],
        volume_types: vec![VolumeTypePin {
            name: "Cloud-SSD".into(),
            price_per_tb_hour: 0.1,
        }],
    }
}

fn used() -> Used {
    let mut used = Used::default();
    used.os_images.insert(("NORWAY-1".into(), UBUNTU.into()));
    used.gpu_models.insert(("NORWAY-1".into(), "A40".into()));
    used.volume_types.insert("Cloud-SSD".into());
    used
}

#[test]
fn resolve_pins_only_what_the_config_uses() {
    let now = resolve(&used(), &catalog(), 2);
    assert_eq!(now.unlisted, Vec::<String>::new());
    assert_eq!(now.lock.os_images, vec![image("NORWAY-1", UBUNTU, "101")]);
    assert_eq!(now.lock.gpu_models, vec![gpu("NORWAY-1", "A40", 0.69)]);
    assert_eq!(now.lock.state_format, 2);
    assert_eq!(now.lock.len(), 4);
    assert!(check(&now.lock, &now, &catalog()).is_empty());
}

#[test]
fn a_renamed_image_is_unlisted_and_names_its_successor() {
    let pinned = resolve(&used(), &catalog(), 2).lock;
    let mut cloud = catalog();
    cloud.os_images[0].name = format!("{UBUNTU} (2024-05)");
    let now = resolve(&used(), &cloud, 2);
    let moved = check(&pinned, &now, &cloud);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(
        moved[0].to_string(),
        format!(
            "garrison.lock: OS image `{UBUNTU}` in NORWAY-1 is no longer listed by the cloud \
             (pinned id 101, now named `{UBUNTU} (2024-05)`); change the config to what the \
             cloud lists, then `garrison lock --update`"
        )
    );
}

#[test]
fn a_new_id_a_new_price_and_a_new_state_format_are_changes() {
    let pinned = resolve(&used(), &catalog(), 2).lock;
    let mut cloud = catalog();
    cloud.os_images[0].id = "105".into();
    cloud.gpu_models[0].price_per_hour = 0.79;
    let now = resolve(&used(), &cloud, 3);
    let moved: Vec<String> = check(&pinned, &now, &cloud)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        moved,
        vec![
            "garrison.lock: state format moved: version pinned 2, now 3; review, then \
             `garrison lock --update`"
                .to_owned(),
            format!(
                "garrison.lock: OS image `{UBUNTU}` in NORWAY-1 moved: id pinned 101, now \
                 105; review, then `garrison lock --update`"
            ),
            "garrison.lock: GPU model `A40` in NORWAY-1 moved: price_per_hour pinned 0.69, \
             now 0.79; review, then `garrison lock --update`"
                .to_owned(),
        ]
    );
}

#[test]
fn an_entry_the_lock_lacks_is_unpinned_and_an_unused_pin_is_ignored() {
    let mut pinned = resolve(&used(), &catalog(), 2).lock;
    pinned.os_images.push(image("CANADA-1", UBUNTU, "201"));
    let mut more = used();
    more.gpu_models.insert(("NORWAY-1".into(), "L40".into()));
    let moved = check(&pinned, &resolve(&more, &catalog(), 2), &catalog());
    assert_eq!(
        moved,
        vec![PinMoved::Unpinned {
            key: "GPU model `L40` in NORWAY-1".into()
        }]
    );
}

#[test]
fn relock_creates_adds_refuses_moved_pins_and_updates_on_request() {
    let cloud = catalog();
    let first = relock(None, &resolve(&used(), &cloud, 2), &cloud, false).unwrap();
    let lock = first.write.unwrap();
    assert_eq!(first.changes.len(), 4);
    let same = relock(Some(&lock), &resolve(&used(), &cloud, 2), &cloud, false).unwrap();
    assert_eq!(same.write, None, "an unchanged lock is not rewritten");

    let mut moved_cloud = catalog();
    moved_cloud.os_images[0].id = "105".into();
    let now = resolve(&used(), &moved_cloud, 2);
    let refused = relock(Some(&lock), &now, &moved_cloud, false).unwrap_err();
    assert!(matches!(&refused, RelockRefused::Moved(m) if m.len() == 1));
    let updated = relock(Some(&lock), &now, &moved_cloud, true).unwrap();
    assert_eq!(updated.write.unwrap().os_images[0].id, "105");

    let mut fewer = used();
    fewer.volume_types.clear();
    let dropped = relock(Some(&lock), &resolve(&fewer, &cloud, 2), &cloud, false).unwrap();
    assert_eq!(dropped.dropped, vec!["volume type `Cloud-SSD`".to_owned()]);

    let mut gone = catalog();
    gone.os_images.clear();
    let unlisted = relock(Some(&lock), &resolve(&used(), &gone, 2), &gone, true).unwrap_err();
    assert_eq!(
        unlisted.to_string(),
        format!("the cloud does not list OS image `{UBUNTU}` in NORWAY-1")
    );
}

#[test]
fn the_file_round_trips_and_a_newer_format_is_refused() {
    let lock = resolve(&used(), &catalog(), 2).lock;
    let text = lock.to_text();
    assert!(text.starts_with("{\n  \"format_version\": 1,\n  \"state_format\": 2,"));
    assert!(text.ends_with("}\n"));
    assert_eq!(Lock::from_text(&text).unwrap(), lock);
    let newer = text.replace("\"format_version\": 1", "\"format_version\": 9");
    assert!(matches!(
        Lock::from_text(&newer),
        Err(LockFileError::Newer { found: 9, .. })
    ));
    assert!(Lock::from_text("{\"format_version\": 1, \"state_format\": 2, \"extra\": 1}").is_err());
}
