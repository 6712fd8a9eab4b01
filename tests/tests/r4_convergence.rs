//! R4: the convergence property. For random valid configs, apply then plan is empty; after
//! random edits (grow a volume, change power, add or remove a firewall rule, add or remove
//! a resource, change a VM's GPU model), apply then plan is empty again; and the emulator
//! holds exactly the state throughout.

use std::fmt::Write;

use garrison_testkit::synth::OS_IMAGE;
use garrison_testkit::{Budget, World};
use proptest::prelude::*;

const CASES: Budget = Budget { ci: 8, soak: 64 };
const GPUS: [&str; 3] = ["A40", "L40", "RTX-A6000"];
const POWER: [&str; 3] = ["running", "stopped", "hibernated"];
const PORTS: [u16; 4] = [22, 80, 443, 8080];

#[derive(Clone, Debug)]
struct Vm {
    id: u32,
    gpu: usize,
    power: usize,
    firewall: Option<u32>,
    volume: Option<u32>,
    script: Option<u32>,
}

#[derive(Clone, Debug)]
struct Spec {
    next: u32,
    scripts: Vec<u32>,
    /// `(id, rule ports)`.
    firewalls: Vec<(u32, Vec<u16>)>,
    /// `(id, size)`.
    volumes: Vec<(u32, u32)>,
    vms: Vec<Vm>,
}

#[derive(Clone, Debug)]
enum Edit {
    GrowVolume(usize),
    ChangePower(usize, usize),
    AddRule(usize, usize),
    RemoveRule(usize),
    Add(usize),
    Remove(usize),
    ChangeGpu(usize),
}

fn pick<T>(items: &[T], i: usize) -> Option<usize> {
    (!items.is_empty()).then(|| i % items.len())
}

impl Spec {
    fn fresh_id(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// Keeps references valid and each volume on at most one VM.
    fn fix_refs(&mut self) {
        let mut used = Vec::new();
        for vm in &mut self.vms {
            if vm
                .firewall
                .is_some_and(|f| !self.firewalls.iter().any(|x| x.0 == f))
            {
                vm.firewall = None;
            }
            if vm.script.is_some_and(|s| !self.scripts.contains(&s)) {
                vm.script = None;
            }
            if let Some(v) = vm.volume {
                if !self.volumes.iter().any(|x| x.0 == v) || used.contains(&v) {
                    vm.volume = None;
                } else {
                    used.push(v);
                }
            }
        }
    }

    fn edit(&mut self, e: &Edit) {
        match *e {
            Edit::GrowVolume(i) => {
                if let Some(i) = pick(&self.volumes, i) {
                    self.volumes[i].1 += 50;
                }
            }
            Edit::ChangePower(i, p) => {
                if let Some(i) = pick(&self.vms, i) {
                    self.vms[i].power = p % POWER.len();
                }
            }
            Edit::AddRule(i, port) => {
                if let Some(i) = pick(&self.firewalls, i) {
                    let port = PORTS[port % PORTS.len()];
                    if !self.firewalls[i].1.contains(&port) {
                        self.firewalls[i].1.push(port);
                    }
                }
            }
            Edit::RemoveRule(i) => {
                if let Some(i) = pick(&self.firewalls, i) {
                    self.firewalls[i].1.pop();
                }
            }
            Edit::Add(kind) => {
                let id = self.fresh_id();
                match kind % 4 {
                    0 => self.scripts.push(id),
                    1 => self.firewalls.push((id, vec![22])),
                    2 => self.volumes.push((id, 100)),
                    _ => self.vms.push(Vm {
                        id,
                        gpu: id as usize,
                        power: 0,
                        firewall: self.firewalls.first().map(|f| f.0),
                        volume: self.volumes.last().map(|v| v.0),
                        script: self.scripts.first().copied(),
                    }),
                }
            }
            Edit::Remove(kind) => match kind % 4 {
                0 => drop(self.scripts.pop()),
                1 => drop(self.firewalls.pop()),
                2 => drop(self.volumes.pop()),
                _ => drop(self.vms.pop()),
            },
            Edit::ChangeGpu(i) => {
                if let Some(i) = pick(&self.vms, i) {
                    self.vms[i].gpu += 1;
                }
            }
        }
        self.fix_refs();
    }

    fn resources(&self) -> usize {
        1 + self.scripts.len() + self.firewalls.len() + self.volumes.len() + self.vms.len()
    }

    fn kdl(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}");
        let _ = writeln!(
            out,
            "ssh-key \"k\" {{\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f e2e\"\n}}"
        );
        for s in &self.scripts {
            let _ = writeln!(
                out,
                "script \"s{s}\" {{\n    content \"#!/bin/sh\\necho {s}\\n\"\n}}"
            );
        }
        for (f, ports) in &self.firewalls {
            let _ = writeln!(out, "firewall \"f{f}\" {{\n    description \"fw {f}\"");
            for p in ports {
                let _ = writeln!(
                    out,
                    "    rule direction=\"ingress\" protocol=\"tcp\" port={p} remote=\"10.0.0.0/8\""
                );
            }
            let _ = writeln!(out, "}}");
        }
        for (v, size) in &self.volumes {
            let _ = writeln!(out, "volume \"v{v}\" {{\n    size-gb {size}\n}}");
        }
        for vm in &self.vms {
            let _ = writeln!(
                out,
                "vm \"m{}\" {{\n    gpu \"{}\" count=1\n    image \"{OS_IMAGE}\"\n    ssh-keys (ref)\"ssh-key.k\"\n    power \"{}\"",
                vm.id,
                GPUS[vm.gpu % GPUS.len()],
                POWER[vm.power % POWER.len()]
            );
            if let Some(f) = vm.firewall {
                let _ = writeln!(out, "    firewalls (ref)\"firewall.f{f}\"");
            }
            if let Some(v) = vm.volume {
                let _ = writeln!(out, "    volumes (ref)\"volume.v{v}\"");
            }
            if let Some(s) = vm.script {
                let _ = writeln!(out, "    startup-script (ref)\"script.s{s}\"");
            }
            let _ = writeln!(out, "}}");
        }
        out
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..=2usize,
        proptest::collection::vec(proptest::collection::vec(0..4usize, 0..=3), 0..=2),
        proptest::collection::vec(0..3u32, 0..=3),
        proptest::collection::vec(
            (
                0..3usize,
                0..3usize,
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            ),
            0..=2,
        ),
    )
        .prop_map(|(scripts, firewalls, volumes, vms)| {
            let mut s = Spec {
                next: 0,
                scripts: vec![],
                firewalls: vec![],
                volumes: vec![],
                vms: vec![],
            };
            for _ in 0..scripts {
                let id = s.fresh_id();
                s.scripts.push(id);
            }
            for picks in firewalls {
                let id = s.fresh_id();
                // Distinct rules: duplicates have their own test below.
                let mut ports: Vec<u16> = Vec::new();
                for p in picks {
                    if !ports.contains(&PORTS[p]) {
                        ports.push(PORTS[p]);
                    }
                }
                s.firewalls.push((id, ports));
            }
            for size in volumes {
                let id = s.fresh_id();
                s.volumes.push((id, 100 + 50 * size));
            }
            for (i, (gpu, power, fw, vol, script)) in vms.into_iter().enumerate() {
                let id = s.fresh_id();
                s.vms.push(Vm {
                    id,
                    gpu,
                    power,
                    firewall: fw.then(|| s.firewalls.first().map(|f| f.0)).flatten(),
                    volume: vol.then(|| s.volumes.get(i).map(|v| v.0)).flatten(),
                    script: script.then(|| s.scripts.first().copied()).flatten(),
                });
            }
            s.fix_refs();
            s
        })
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..8usize).prop_map(Edit::GrowVolume),
        (0..8usize, 0..3usize).prop_map(|(i, p)| Edit::ChangePower(i, p)),
        (0..8usize, 0..4usize).prop_map(|(i, p)| Edit::AddRule(i, p)),
        (0..8usize).prop_map(Edit::RemoveRule),
        (0..4usize).prop_map(Edit::Add),
        (0..4usize).prop_map(Edit::Remove),
        (0..8usize).prop_map(Edit::ChangeGpu),
    ]
}

/// Applies `spec`; the apply succeeds, the next plan is empty, the emulator matches.
async fn converges(w: &World, spec: &Spec, stage: &str) -> Result<(), TestCaseError> {
    let text = spec.kdl();
    w.write_config(&text);
    let (_, report) = w
        .apply()
        .await
        .map_err(|e| TestCaseError::fail(format!("{stage}: apply: {e}\n{text}")))?;
    prop_assert!(report.is_success(), "{stage}: {:#?}\n{text}", report.failed);
    let plan = w
        .plan()
        .await
        .map_err(|e| TestCaseError::fail(format!("{stage}: plan: {e}")))?;
    prop_assert!(
        !plan.summary.has_changes(),
        "{stage}: plan after apply not empty: {:?}\n{text}",
        plan.changes
            .iter()
            .map(|c| (&c.address, c.action, &c.reasons))
            .collect::<Vec<_>>()
    );
    let audit = w.audit().await;
    prop_assert!(audit.is_clean(), "{stage}: {audit}\n{text}");
    prop_assert_eq!(
        audit.remote_total(),
        spec.resources(),
        "{}: {}",
        stage,
        audit
    );
    Ok(())
}

fn check(spec: Spec, edits: Vec<Edit>) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| TestCaseError::fail(format!("runtime: {e}")))?;
    rt.block_on(async {
        let w = World::start().await;
        converges(&w, &spec, "initial").await?;
        let mut spec = spec;
        for e in &edits {
            spec.edit(e);
        }
        converges(&w, &spec, &format!("after {edits:?}")).await
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES.get() as u32,
        max_shrink_iters: 32,
        failure_persistence: None,
        // CI explores the same cases every run (a red CI must be reproducible); soak runs
        // (GARRISON_SOAK=1) draw new ones each time.
        rng_seed: if garrison_testkit::soak() {
            proptest::test_runner::RngSeed::Random
        } else {
            proptest::test_runner::RngSeed::Fixed(0x6a77_150e)
        },
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_plan_after_an_apply_is_empty(
        spec in spec(),
        edits in proptest::collection::vec(edit(), 1..=4),
    ) {
        check(spec, edits)?;
    }
}

/// Found by the property above: a firewall whose config repeats a rule converges at first,
/// but once a rule is added the plan after the apply keeps an update with no reasons.
#[test]
fn a_firewall_with_a_repeated_rule_converges_after_adding_a_rule() {
    let spec = Spec {
        next: 1,
        scripts: vec![],
        firewalls: vec![(1, vec![443, 8080, 443])],
        volumes: vec![],
        vms: vec![],
    };
    check(spec, vec![Edit::AddRule(0, 0)]).unwrap_or_else(|e| panic!("{e}"));
}
