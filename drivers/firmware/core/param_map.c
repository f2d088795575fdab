#include "param_map.h"

double tl_param_value(const tl_param_info_t *p, uint16_t code)
{
    return p->value_at_min + (double)(code - p->code_min) * (p->value_at_max - p->value_at_min) / (p->code_max - p->code_min);
}

void tl_param_safe_codes(const tl_param_info_t *p, uint16_t *lo, uint16_t *hi)
{
    float tol = 1e-6f * (p->safety_max - p->safety_min);
    *lo = p->code_max;
    *hi = p->code_min;
    bool any = false;
    for (uint32_t c = p->code_min; c <= p->code_max; c++) {
        double v = tl_param_value(p, (uint16_t)c);
        if (v >= p->safety_min - tol && v <= p->safety_max + tol) {
            if (!any) {
                *lo = (uint16_t)c;
                any = true;
            }
            *hi = (uint16_t)c;
        }
    }
}
