/// A classic-BPF seccomp program for bubblewrap's `--seccomp FD`: a deny-list of the system calls a test suite
/// has no business making, each failing with `EPERM`.
///
/// Covered: tracing and reading other processes (`ptrace`, `process_vm_readv/writev`), mounting and new
/// namespaces, kernel modules, keyrings, `bpf`, `perf_event_open`, `userfaultfd`, `kexec`, reboot and swap,
/// clock setting, and the terminal-injection ioctls `TIOCSTI` and `TIOCLINUX` (the request is compared on its low
/// 32 bits, so CVE-2019-10063's high-bit trick does not slip past). Calls from another architecture or the x32 ABI
/// kill the process. The program is only built for x86_64; elsewhere ``program`` is nil and no filter is used.
enum SeccompFilter {
    private static let loadWord: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    private static let jumpEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    private static let jumpGreaterOrEqual: UInt16 = 0x35  // BPF_JMP | BPF_JGE | BPF_K
    private static let returnValue: UInt16 = 0x06  // BPF_RET | BPF_K
    private static let allow: UInt32 = 0x7fff_0000
    private static let killProcess: UInt32 = 0x8000_0000
    private static let deniedWithEPERM: UInt32 = 0x0005_0000 | 1

    /// x86_64 numbers of the denied calls.
    static let deniedX8664: [UInt32] = [
        101,  // ptrace
        310, 311,  // process_vm_readv, process_vm_writev
        165, 166, 155,  // mount, umount2, pivot_root
        272, 308,  // unshare, setns
        428, 429, 430, 431, 432, 433, 442,  // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr
        175, 313, 176,  // init_module, finit_module, delete_module
        246, 320,  // kexec_load, kexec_file_load
        248, 249, 250,  // add_key, request_key, keyctl
        321, 298, 323,  // bpf, perf_event_open, userfaultfd
        167, 168, 169,  // swapon, swapoff, reboot
        304, 163, 172, 173,  // open_by_handle_at, acct, iopl, ioperm
        164, 227, 103,  // settimeofday, clock_settime, syslog
    ]
    static let ioctlX8664: UInt32 = 16
    static let terminalInjection: [UInt32] = [0x5412, 0x541C]  // TIOCSTI, TIOCLINUX
    static let auditArchX8664: UInt32 = 0xC000_003E

    /// The program as bytes (`struct sock_filter` in host byte order), or nil on architectures without one.
    static var program: [UInt8]? {
        #if arch(x86_64)
        return encode(instructions(arch: auditArchX8664, denied: deniedX8664, ioctl: ioctlX8664))
        #else
        return nil
        #endif
    }

    struct Instruction: Equatable {
        var code: UInt16
        var jumpTrue: UInt8
        var jumpFalse: UInt8
        var value: UInt32
    }

    static func instructions(arch: UInt32, denied: [UInt32], ioctl: UInt32) -> [Instruction] {
        var program = [
            Instruction(code: loadWord, jumpTrue: 0, jumpFalse: 0, value: 4),  // seccomp_data.arch
            Instruction(code: jumpEqual, jumpTrue: 1, jumpFalse: 0, value: arch),
            Instruction(code: returnValue, jumpTrue: 0, jumpFalse: 0, value: killProcess),
            Instruction(code: loadWord, jumpTrue: 0, jumpFalse: 0, value: 0),  // seccomp_data.nr
            Instruction(code: jumpGreaterOrEqual, jumpTrue: 0, jumpFalse: 1, value: 0x4000_0000),  // x32 ABI
            Instruction(code: returnValue, jumpTrue: 0, jumpFalse: 0, value: killProcess),
        ]
        for number in denied {
            program.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, value: number))
            program.append(Instruction(code: returnValue, jumpTrue: 0, jumpFalse: 0, value: deniedWithEPERM))
        }
        // ioctl: compare the request's low 32 bits (seccomp_data.args[1] at offset 24 on little-endian).
        program.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 4, value: ioctl))
        program.append(Instruction(code: loadWord, jumpTrue: 0, jumpFalse: 0, value: 24))
        program.append(Instruction(code: jumpEqual, jumpTrue: 1, jumpFalse: 0, value: terminalInjection[0]))
        program.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, value: terminalInjection[1]))
        program.append(Instruction(code: returnValue, jumpTrue: 0, jumpFalse: 0, value: deniedWithEPERM))
        program.append(Instruction(code: returnValue, jumpTrue: 0, jumpFalse: 0, value: allow))
        return program
    }

    static func encode(_ instructions: [Instruction]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(instructions.count * 8)
        for instruction in instructions {
            withUnsafeBytes(of: instruction.code) { bytes.append(contentsOf: $0) }
            bytes.append(instruction.jumpTrue)
            bytes.append(instruction.jumpFalse)
            withUnsafeBytes(of: instruction.value) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}
