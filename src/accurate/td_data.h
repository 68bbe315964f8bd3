/* accurate/td_data.h -- constants of the triple-double slow path, generated into
 * td_data.c by gen/gen_tables.c (MPFR, 400 bits).  Internal (hidden). */
#ifndef BCE_TD_DATA_H
#define BCE_TD_DATA_H

#include <stdint.h>

#define BCE_TD_EXP_DEG 13 /* e^r = sum_{n<=13} r^n/n!  for |r| <= 2^-8.49 */
#define BCE_TD_LOG_DEG 19 /* log1p(r) = sum_{n<=19} (-1)^(n+1) r^n/n, |r| <= 2^-8 */

extern const double bce_td_ln2[3];
extern const double bce_td_exp_coef[BCE_TD_EXP_DEG + 1][3];
extern const double bce_td_log1p_coef[BCE_TD_LOG_DEG + 1][3];
extern const uint32_t bce_td_ln2n_fix[7];

#endif
