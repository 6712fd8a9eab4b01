//! `garrison state mv FROM TO`: rename state entries without a cloud call. An instance
//! moves to an instance address; a block (`vm.a`) moves to a block (`vm.b`), every instance
//! keeping its index. Other entries' `dependencies` naming a moved key follow it.

use garrison_core::{Address, StateKey};

use crate::backend::Backend;
use crate::doc::{ResourceState, StateDoc};
use crate::edit::{EditMove, StateEdit};
use crate::surgery::error::SurgeryError;
use crate::surgery::select::{check_no_pending, in_block, select};
use crate::surgery::{open, Before, Written};

/// What [`plan_move`] decided.
#[derive(Debug, Clone, PartialEq)]
pub struct MovePlan {
    /// Each entry moved (as recorded before), with its new key, in address order.
    pub moves: Vec<(ResourceState, StateKey)>,
    /// Entries whose `dependencies` name a moved key (by their key after the move).
    pub dependents: Vec<StateKey>,
}

impl MovePlan {
    fn edit(&self) -> StateEdit {
        StateEdit::Move {
            moves: self
                .moves
                .iter()
                .map(|(r, to)| EditMove {
                    from: r.address.clone(),
                    to: to.clone(),
                    remote_id: r.remote_id.clone(),
                })
                .collect(),
        }
    }
}

/// What [`move_entries`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Each entry moved (as recorded before), with its new key.
    pub moves: Vec<(ResourceState, StateKey)>,
    /// Entries whose `dependencies` were rewritten.
    pub dependents: Vec<StateKey>,
    /// The write.
    pub written: Written,
}

/// Pure: where each entry `from` names goes. Refuses deposed keys, a change of kind, a move
/// onto itself, `from` naming nothing, a block of several instances moved to one instance,
/// an occupied destination (naming the entry there), and entries with an interrupted
/// operation not yet resolved.
pub fn plan_move(
    state: &StateDoc,
    from: &StateKey,
    to: &StateKey,
) -> Result<MovePlan, SurgeryError> {
    let (from_addr, to_addr) = live_pair(from, to)?;
    let found = select(state, from);
    if found.is_empty() {
        return Err(SurgeryError::NotInState {
            addresses: vec![from.to_string()],
        });
    }
    let moves = destinations(&found, from_addr, to_addr)?;
    check_free(state, from_addr, to_addr, &moves)?;
    check_no_pending(state, moves.iter().flat_map(|(r, to)| [&r.address, to]))?;
    let dependents = dependents(state, &moves);
    Ok(MovePlan { moves, dependents })
}

/// Both addresses live, of one kind, and different.
fn live_pair<'k>(
    from: &'k StateKey,
    to: &'k StateKey,
) -> Result<(&'k Address, &'k Address), SurgeryError> {
    let live = |key: &'k StateKey| {
        key.live().ok_or_else(|| SurgeryError::Deposed {
            address: key.to_string(),
        })
    };
    let (from_addr, to_addr) = (live(from)?, live(to)?);
    if from_addr.kind != to_addr.kind {
        return Err(SurgeryError::KindDiffers {
            from: from.to_string(),
            to: to.to_string(),
            from_kind: from_addr.kind.to_string(),
            to_kind: to_addr.kind.to_string(),
        });
    }
    if from_addr == to_addr {
        return Err(SurgeryError::SameAddress {
            address: from.to_string(),
        });
    }
    Ok((from_addr, to_addr))
}

/// The new key of each entry found: an instance (`from` with an index, or the one entry at
/// exactly `from`) to `to`; a block to the block `to`, each instance keeping its index.
fn destinations(
    found: &[&ResourceState],
    from: &Address,
    to: &Address,
) -> Result<Vec<(ResourceState, StateKey)>, SurgeryError> {
    if let [one] = found {
        if from.index.is_some() || one.address.live() == Some(from) {
            return Ok(vec![((*one).clone(), StateKey::Live(to.clone()))]);
        }
    }
    if to.index.is_some() {
        return Err(SurgeryError::BlockToInstance {
            from: from.to_string(),
            to: to.to_string(),
            count: found.len(),
        });
    }
    Ok(found
        .iter()
        .map(|r| {
            let index = r.address.address().index.clone();
            let target = to.block().with_index(index);
            ((*r).clone(), StateKey::Live(target))
        })
        .collect())
}

/// Refuses a destination already in the state. A block move also refuses a block that has
/// any live instance: mixing two blocks' instances is never what was meant.
fn check_free(
    state: &StateDoc,
    from: &Address,
    to: &Address,
    moves: &[(ResourceState, StateKey)],
) -> Result<(), SurgeryError> {
    let block_move = from.index.is_none() && to.index.is_none();
    let taken = state.resources.values().find(|r| {
        let moving = moves.iter().any(|(m, _)| m.address == r.address);
        let at_target = moves.iter().any(|(_, t)| *t == r.address);
        let in_target_block = block_move && r.address.live().is_some_and(|a| in_block(a, to));
        !moving && (at_target || in_target_block)
    });
    match taken {
        Some(r) => Err(SurgeryError::AddressTaken {
            from: from.to_string().into(),
            to: to.to_string().into(),
            taken: r.address.to_string().into(),
            remote_id: r.remote_id.as_str().into(),
            name: r.name.as_str().into(),
        }),
        None => Ok(()),
    }
}

/// Entries (by their key after the move) whose `dependencies` name a moved key.
fn dependents(state: &StateDoc, moves: &[(ResourceState, StateKey)]) -> Vec<StateKey> {
    let moved: Vec<String> = moves.iter().map(|(r, _)| r.address.to_string()).collect();
    let mut keys: Vec<StateKey> = state
        .resources
        .values()
        .filter(|r| r.dependencies.iter().any(|d| moved.contains(d)))
        .map(|r| {
            moves
                .iter()
                .find(|(m, _)| m.address == r.address)
                .map_or_else(|| r.address.clone(), |(_, to)| to.clone())
        })
        .collect();
    keys.sort();
    keys
}

/// `garrison state mv`: lock, check ([`plan_move`]), journal the move, write the state
/// (the previous one is kept as the backup) and release the lock.
pub fn move_entries(
    backend: Box<dyn Backend>,
    from: &StateKey,
    to: &StateKey,
) -> Result<Moved, SurgeryError> {
    let mut store = open(backend, "garrison state mv")?;
    let plan = plan_move(store.state(), from, to)?;
    let before = Before::of(&store);
    store.record_edit(plan.edit())?;
    let written = before.commit(store)?;
    Ok(Moved {
        moves: plan.moves,
        dependents: plan.dependents,
        written,
    })
}
