#!/usr/bin/env python3
"""Prints what JAX and PyTorch emit for a linear layer's forward + backward.

  print-frontend-ir.py OUT_DIR

Needs jax and torch (the GPU machine has both). Writes
  jax-dense-3d.stablehlo.mlir   jax.jit(jax.value_and_grad(loss,
                                argnums=(0, 1))) of a [B,S,H] x [H,N] dense
                                layer, StableHLO with debug locations (the
                                name stack: jvp(...), transpose(jvp(...)))
  jax-dense-2d.stablehlo.mlir   the same with 2-D activations
  torch-linear-3d.joint.txt     aot_autograd's joint graph (aten ops) of a
                                3-D nn.Linear and a scalar loss
  torch-linear-3d.export.txt    torch.export's forward graph
The lit tests under test/Dialect/FP8/Transforms/frontend-*.mlir write the
linalg forms these lower to (stablehlo-legalize-to-linalg, torch-mlir).
"""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    print("wrote", name, len(text), "bytes")


try:
    import jax
    import jax.numpy as jnp

    def loss3(w, x):
        y = jnp.einsum("bsh,hn->bsn", x, w,
                       preferred_element_type=jnp.float32)
        return jnp.sum(y * y)

    def loss2(w, x):
        y = jnp.dot(x, w, preferred_element_type=jnp.float32)
        return jnp.sum(y * y)

    for name, fn, xs in (("3d", loss3, (4, 32, 64)), ("2d", loss2, (128, 64))):
        x = jnp.zeros(xs, jnp.bfloat16)
        w = jnp.zeros((64, 128), jnp.bfloat16)
        lowered = jax.jit(jax.value_and_grad(fn, argnums=(0, 1))).lower(w, x)
        write("jax-dense-%s.stablehlo.mlir" % name,
              lowered.as_text(debug_info=True))
except Exception as e:  # report and go on with torch
    print("jax failed:", repr(e))

try:
    import torch
    from torch._functorch.aot_autograd import aot_export_module

    class Layer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(64, 128, bias=False,
                                          dtype=torch.bfloat16)

        def forward(self, x):
            return self.linear(x)

    class Loss(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = Layer()

        def forward(self, x):
            y = self.layer(x).float()
            return ((y * y).sum(),)

    x = torch.zeros(4, 32, 64, dtype=torch.bfloat16)
    gm, signature = aot_export_module(Loss(), [x], trace_joint=True,
                                      output_loss_index=0)
    write("torch-linear-3d.joint.txt", gm.code + "\n# " + str(signature))
    ep = torch.export.export(Layer(), (x,))
    write("torch-linear-3d.export.txt", str(ep.graph_module.code))
except Exception as e:
    print("torch failed:", repr(e))
