# The reproduction's scale, sourced by cool.sh, datasets.sh and classify.sh. One variable picks it:
#   SCALE=here   (default) what REPRODUCTION.md reports, sized for a 2-core machine
#   SCALE=paper  Swanson et al.'s system and cooling rates (N = 4320, ramps of 2x10^7 and 2x10^5
#                steps), 48 runs per rate, the paper's hidden sizes: a cluster job
# Any variable below set in the environment wins over the preset.
case ${SCALE:-here} in
  here)
    : "${NATOMS:=1080}" "${SLOW_RAMP:=2000000}" "${FAST_RAMP:=20000}" "${HOLD:=100000}"
    : "${DUMP_EVERY:=1000}" "${NSEEDS:=8}" "${NTRAIN:=5}"
    : "${HIDDEN_MAX:=600}" "${HYPEROPT_WINDOWS:=0.2 0.6 0.1}" ;;   # 6-18 sigma of the 30-sigma box
  paper)
    # a dump every 10^4 steps keeps the frames per temperature of SCALE=here (the ramps are 10x
    # longer); the hold is 10x longer too, for the same 100 glass frames per run
    : "${NATOMS:=4320}" "${SLOW_RAMP:=20000000}" "${FAST_RAMP:=200000}" "${HOLD:=1000000}"
    : "${DUMP_EVERY:=10000}" "${NSEEDS:=48}" "${NTRAIN:=30}"
    : "${HIDDEN_MAX:=2400}" "${HYPEROPT_WINDOWS:=0.1 0.3 0.05}" ;;  # 6-18 sigma of the 60-sigma box
  *)
    echo "$(basename "$0"): SCALE=$SCALE is neither 'here' nor 'paper'" >&2
    exit 2 ;;
esac
