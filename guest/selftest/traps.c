// SPDX-License-Identifier: MIT
/*
 * Self-tests of exception entry: a deliberate ud2 reaches a hook with every register saved,
 * and the hook's changes to the frame come back on return (entry.S both ways); the
 * page-fault error code decoder and the exception tables. ud2 rather than int3: a soft
 * exception (int3, int n) needs instruction emulation in some KVM back ends (kvm_pvm on
 * the development machine fails it), crash=bp covers int3 where KVM supports it.
 */
#include <asm/segment.h>
#include <asm/traps.h>
#include <guest/selftest.h>

#define UD2_LEN	2

#define V_RAX	0x1111111111111111UL
#define V_RBX	0x2222222222222222UL
#define V_RDI	0x3333333333333333UL
#define V_R8	0x0888888888888888UL
#define V_R15	0x0f0f0f0f0f0f0f0fUL
#define V_NEW	0x600dcafe600dcafeUL

static unsigned int ud_hits;
static bool ud_regs_ok;
static unsigned long ud_rip;

static bool ud_hook(struct pt_regs *regs)
{
	ud_hits++;
	ud_rip = regs->rip;
	ud_regs_ok = regs->rax == V_RAX && regs->rbx == V_RBX && regs->rdi == V_RDI &&
		     regs->r8 == V_R8 && regs->r15 == V_R15 && regs->vector == X86_TRAP_UD &&
		     regs->error_code == 0 && regs->cs == KERNEL_CS && !user_mode(regs);
	regs->rax = V_NEW;	/* must come back in RAX */
	regs->rip += UD2_LEN;	/* a fault: resume after the instruction */
	return true;
}

int selftest_exception_round_trip(void)
{
	unsigned long rax = V_RAX, rbx = V_RBX, rdi = V_RDI, r8, r15, at;

	ud_hits = 0;
	trap_set_hook(X86_TRAP_UD, ud_hook);
	__asm__ __volatile__("movabsq %[v8], %%r8\n\t"
			     "movabsq %[v15], %%r15\n"
			     "0:\tud2\n\t"
			     "leaq 0b(%%rip), %[at]\n\t"
			     "movq %%r8, %[r8]\n\t"
			     "movq %%r15, %[r15]"
			     : "+a"(rax), "+b"(rbx), "+D"(rdi), [at] "=&r"(at), [r8] "=m"(r8),
			       [r15] "=m"(r15)
			     : [v8] "i"(V_R8), [v15] "i"(V_R15)
			     : "r8", "r15", "memory");
	trap_set_hook(X86_TRAP_UD, NULL);

	ST_ASSERT_EQ(ud_hits, 1);
	ST_ASSERT(ud_regs_ok);
	ST_ASSERT_EQ(ud_rip, at);		/* a fault: RIP is the ud2 itself */
	ST_ASSERT_EQ(rax, V_NEW);
	ST_ASSERT_EQ(rbx, V_RBX);
	ST_ASSERT_EQ(rdi, V_RDI);
	ST_ASSERT_EQ(r8, V_R8);
	ST_ASSERT_EQ(r15, V_R15);
	return SELFTEST_PASS;
}

int selftest_pf_decode(void)
{
	char buf[96];

	pf_describe(0, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(not-present, read, kernel)");
	pf_describe(X86_PF_PROT | X86_PF_WRITE, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(present, write, kernel)");
	pf_describe(X86_PF_WRITE | X86_PF_USER, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(not-present, write, user)");
	pf_describe(X86_PF_PROT | X86_PF_USER | X86_PF_RSVD, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(present, read, user, reserved bit)");
	pf_describe(X86_PF_PROT | X86_PF_INSTR, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(present, read, kernel, instruction fetch)");
	pf_describe(X86_PF_PK | X86_PF_PROT, buf, sizeof(buf));
	ST_ASSERT_STREQ(buf, "(present, read, kernel, protection key)");

	ST_ASSERT_STREQ(exception_name(X86_TRAP_PF), "page fault");
	ST_ASSERT_STREQ(exception_mnemonic(X86_TRAP_GP), "GP");
	ST_ASSERT_STREQ(exception_name(X86_TRAP_SPURIOUS), "reserved vector");
	ST_ASSERT(exception_has_error_code(X86_TRAP_PF) && exception_has_error_code(X86_TRAP_DF));
	ST_ASSERT(!exception_has_error_code(X86_TRAP_BP) && !exception_has_error_code(X86_TRAP_UD));
	return SELFTEST_PASS;
}
