#pragma once

#include <fastly_accounts/plan/plan.hpp>
#include <ostream>

/// Renderings of a plan: for people in a terminal or CI log (text), for machines (json), for a
/// pull-request comment (markdown). All start from the same Plan and write to a stream; none does I/O
/// of its own or reads the clock.
namespace fastly_accounts::render {

/// What the plan is shown as: changes to make (`plan`), or departures found (`drift`).
enum class Mode { plan, drift };

struct Options {
    Mode mode = Mode::plan;
    bool color = false;  ///< ANSI colours (text only)
};

/// Grouped by stage (by kind for drift), `+ ~ - ±` per change with field-level `from → to` and list
/// additions/removals, the guards that tripped first, unmanaged objects and notes after, and a closing
/// summary line. A legend of the symbols the plan uses heads its changes; a plan without changes has none.
void text(const plan::Plan& plan, std::ostream& out, const Options& options);

/// One JSON document with keys in a stable order: `mode`, then plan::to_json's `summary`, `customer_id`,
/// `guards`, `changes` (stage, action, kind, key, id, fields, lists, requests, note, sensitive, expect),
/// `unmanaged`, `notes`, `service_names`. Byte for byte the same for the same plan.
void json(const plan::Plan& plan, std::ostream& out, const Options& options);

/// A pull-request comment: guards at the top, a summary table, then the changes grouped by kind in
/// collapsible sections.
void markdown(const plan::Plan& plan, std::ostream& out, const Options& options);

}  // namespace fastly_accounts::render
