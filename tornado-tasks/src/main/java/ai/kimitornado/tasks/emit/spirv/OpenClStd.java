package ai.kimitornado.tasks.emit.spirv;

/**
 * Instructions of the "OpenCL.std" extended instruction set used by the emitter (numbers from the
 * OpenCL Extended Instruction Set Specification). Float variants are typed by the result type.
 */
public enum OpenClStd {
    acos(0), asin(3), atan(6), atan2(7), cbrt(11), ceil(12), copysign(13), cos(14), cosh(15), exp(19), exp2(20),
    expm1(22), fabs(23), floor(25), fma(26), fmax(27), fmin(28), fmod(29), hypot(32), log(37), log2(38), log10(39),
    log1p(40), pow(48), remainder(51), rint(53), round(55), rsqrt(56), sin(57), sinh(59), sqrt(61), tan(62),
    tanh(63), trunc(66),
    s_abs(141), clz(151), ctz(152), s_max(156), u_max(157), s_min(158), u_min(159), s_mul_hi(160), popcount(166),
    vload_half(173), vstore_half(175), vstore_half_r(176);

    public final int number;

    OpenClStd(int number) {
        this.number = number;
    }
}
