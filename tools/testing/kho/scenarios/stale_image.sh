# SPDX-License-Identifier: GPL-2.0
# An image whose handover went stale after it was loaded is refused at
# kexec -e, and the running kernel keeps running: loaded then activated,
# activated-loaded-aborted, activated-loaded-reactivated. Reloaded, it boots.
# cmdline: kho_scratch=64M kho_test.enable=1
# timeout: 300
# tier: gate

case "$kho_stage" in
"")
	kexec_load 2
	expect_write $KHO/active 1
	kexec_exec_fails "KHO was activated after the kexec image was loaded: load it again"

	kexec_load 2
	expect_write $KHO/active 0
	kexec_exec_fails "the kexec image carries a handover that was aborted: load it again"

	expect_write $KHO/active 1
	kexec_load 2
	expect_write $KHO/active 0
	expect_write $KHO/active 1
	kexec_exec_fails "the kexec image carries an earlier activation: load it again"

	expect_eq active "$(cat $KHO/active)" 1
	kexec_load 2
	kexec -e
	fail "kexec -e returned after a reload"
	;;
2)
	chosen_range linux,kho-dt > /dev/null
	pass
	;;
esac
fail "unknown stage $kho_stage"
