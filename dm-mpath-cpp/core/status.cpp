// SPDX-License-Identifier: GPL-2.0
//
// `dmsetup table` and `dmsetup status` text (and the IMA measurement), byte
// for byte as the kernel's multipath target prints them.
#include "multipath.hpp"

namespace mpath {

char Multipath::group_state(const Locked &, const PathGroup &pg) const
{
	if (pg.bypassed)
		return 'D';
	return &pg == current_pg_.read() ? 'A' : 'E';
}

void Multipath::status(mpath_status_type type, const char *target_name, const char *target_version,
		       char *result, unsigned int maxlen)
{
	Emitter emit(result, maxlen);
	LockGuard guard(lock_);
	// bio_multipath's implied features are not echoed.
	bool show_queue_mode = bio_mode_ && !bio_only_;
	bool show_retain = retain_attached_hw_handler_ && !bio_only_;
	unsigned int pg_num;

	if (type == MP_STATUS_IMA) {
		emit("target_name=%s,target_version=%s", target_name, target_version);
		emit(",nr_priority_groups=%u", nr_groups_);
		for (unsigned int g = 0; g < nr_groups_; g++) {
			const PathGroup &pg = groups_[g];

			emit(",pg_state_%u=%c", g, group_state(guard, pg));
			emit(",nr_pgpaths_%u=%u", g, pg.nr_paths);
			emit(",path_selector_name_%u=%s", g, pg.selector.name());
			for (unsigned int i = 0; i < pg.nr_paths; i++) {
				const Path &p = pg.paths[i];

				emit(",path_name_%u_%u=%s,is_active_%u_%u=%c,fail_count_%u_%u=%u",
				     g, i, mpg_dev_name(p.dev), g, i, p.active.read() ? 'A' : 'F',
				     g, i, p.fail_count);
				emit(",path_selector_status_%u_%u=", g, i);
			}
		}
		emit(";");
		return;
	}

	if (type == MP_STATUS_INFO) {
		emit("2 %u %u ", queue_io_.read() ? 1U : 0U, pg_init_count_);
	} else {
		emit("%u ", (queue_if_no_path_ ? 1U : 0U) + (pg_init_retries_ > 0) * 2U +
				    (pg_init_delay_msecs_ != kPgInitDelayDefault) * 2U +
				    (show_retain ? 1U : 0U) + show_queue_mode * 2U +
				    io_timeout_in_table_ * 2U);
		if (queue_if_no_path_)
			emit("queue_if_no_path ");
		if (pg_init_retries_)
			emit("pg_init_retries %u ", pg_init_retries_);
		if (pg_init_delay_msecs_ != kPgInitDelayDefault)
			emit("pg_init_delay_msecs %u ", pg_init_delay_msecs_);
		if (show_retain)
			emit("retain_attached_hw_handler ");
		if (show_queue_mode)
			emit("queue_mode bio ");
		if (io_timeout_in_table_)
			emit("io_timeout_msecs %u ", io_timeout_ms_.read());
	}
	if (hw_handler_ && type == MP_STATUS_TABLE)
		emit("1 %s ", hw_handler_);
	else
		emit("0 ");

	// 7.2 names the group in use first, then a pending switch.
	if (since(MP_IFACE_7_2) && current_pg_.read())
		pg_num = current_pg_.read()->num;
	else if (next_pg_.read())
		pg_num = next_pg_.read()->num;
	else if (current_pg_.read())
		pg_num = current_pg_.read()->num;
	else
		pg_num = nr_groups_ ? 1 : 0;
	emit("%u %u ", nr_groups_, pg_num);

	for (unsigned int g = 0; g < nr_groups_; g++) {
		const PathGroup &pg = groups_[g];

		if (type == MP_STATUS_INFO)
			emit("%c ", group_state(guard, pg));
		else
			emit("%s ", pg.selector.name());
		pg.selector.group_status(emit);
		emit("%u %u ", pg.nr_paths,
		     type == MP_STATUS_INFO ? pg.selector.info_args() : pg.selector.table_args());

		for (unsigned int i = 0; i < pg.nr_paths; i++) {
			const Path &p = pg.paths[i];

			if (type == MP_STATUS_INFO)
				emit("%s %s %u ", mpg_dev_name(p.dev), p.active.read() ? "A" : "F",
				     p.fail_count);
			else
				emit("%s ", mpg_dev_name(p.dev));
			pg.selector.path_status(emit, p.selector_state, type);
		}
	}
}

} // namespace mpath
