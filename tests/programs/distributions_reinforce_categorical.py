"""REINFORCE with torch.distributions as the official example writes it: a policy whose
logits feed Categorical(logits=...), actions from m.sample(), m.log_prob(action) kept per
step, m.entropy() as a bonus, a learned value baseline (actor-critic style advantage with
.detach()), on a tiny generated "bandit gridworld" written in Python. Beside the training
run (compared by outcome), the distribution's own figures on fixed logits are compared
tightly: log_prob, entropy, probs/logits normalisation, batch/event shapes, sample shapes
and the empirical frequencies of many samples."""
import json
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical

COMPARE = {"late_return": ("abs", 1.0), "success_rate": ("abs", 0.15),
           "log_prob": ("abs", 1e-6), "entropy": ("abs", 1e-6), "probs": ("abs", 1e-6),
           "norm_logits": ("abs", 1e-6), "shapes": ("exact", None), "freq": ("abs", 0.015),
           "dtypes": ("exact", None), "grad_check": ("abs", 1e-6), "from_probs": ("abs", 1e-6)}

torch.manual_seed(0)
random.seed(0)
gamma = 0.95


class GridWorld:
    """A 4x4 grid generated from a seed: start at (0, 0), the goal at (3, 3) pays +5,
    two pits end the episode with -2, every step costs 0.1."""

    moves = [(-1, 0), (1, 0), (0, -1), (0, 1)]

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        cells = [(r, c) for r in range(4) for c in range(4) if (r, c) not in [(0, 0), (3, 3)]]
        self.pits = {cells[i] for i in rng.choice(len(cells), size=2, replace=False)}

    def reset(self):
        self.pos = (0, 0)
        return self.obs()

    def obs(self):
        return F.one_hot(torch.tensor(self.pos[0] * 4 + self.pos[1]), 16).float()

    def step(self, action):
        dr, dc = self.moves[action]
        self.pos = (min(3, max(0, self.pos[0] + dr)), min(3, max(0, self.pos[1] + dc)))
        if self.pos == (3, 3):
            return self.obs(), 5.0, True
        if self.pos in self.pits:
            return self.obs(), -2.0, True
        return self.obs(), -0.1, False


class ActorCritic(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(16, 64), nn.Tanh())
        self.actor = nn.Linear(64, 4)
        self.critic = nn.Linear(64, 1)

    def forward(self, x):
        h = self.body(x)
        return self.actor(h), self.critic(h).squeeze(-1)


env = GridWorld(seed=3)
model = ActorCritic()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
returns_log, successes = [], []
for episode in range(200):
    state = env.reset()
    log_probs, values, rewards, entropies = [], [], [], []
    for t in range(30):
        logits, value = model(state)
        m = Categorical(logits=logits)
        action = m.sample()
        log_probs.append(m.log_prob(action))
        entropies.append(m.entropy())
        values.append(value)
        state, reward, done = env.step(action.item())
        rewards.append(reward)
        if done:
            break
    R, returns = 0.0, []
    for r in reversed(rewards):
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    values = torch.stack(values)
    advantage = returns - values.detach()
    policy_loss = -(torch.stack(log_probs) * advantage).sum()
    value_loss = F.smooth_l1_loss(values, returns, reduction="sum")
    loss = policy_loss + 0.5 * value_loss - 0.05 * torch.stack(entropies).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    returns_log.append(sum(rewards))
    successes.append(float(reward == 5.0))
    if episode % 50 == 0:
        print(f"episode {episode}: return {sum(rewards):.2f}")

# the distribution itself, on fixed logits
logits = torch.tensor([[1.0, 2.0, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0], [3.0, -2.0, 1.0, 0.2]],
                      requires_grad=True)
dist = Categorical(logits=logits)
actions = torch.tensor([1, 3, 0])
lp = dist.log_prob(actions)
ent = dist.entropy()
(lp.sum() + ent.sum()).backward()
many = dist.sample((20000,))
freq = [(many[:, 0] == k).float().mean().item() for k in range(4)]
probs_dist = Categorical(probs=torch.tensor([0.2, 0.3, 0.5]))
print(f"late return {np.mean(returns_log[-30:]):.2f}")
print("RESULT " + json.dumps({
    "late_return": float(np.mean(returns_log[-30:])), "success_rate": float(np.mean(successes[-30:])),
    "log_prob": lp.tolist(), "entropy": ent.tolist(), "probs": dist.probs.tolist(),
    "norm_logits": dist.logits.tolist(),
    "shapes": [list(dist.batch_shape), list(dist.event_shape), list(many.shape),
               list(dist.sample().shape), list(probs_dist.sample((5, 2)).shape),
               list(dist.log_prob(torch.tensor([[0], [1]])).shape), list(dist.param_shape)],
    "freq": freq, "dtypes": [str(many.dtype), str(lp.dtype), str(dist.probs.dtype)],
    "grad_check": logits.grad.tolist(),
    "from_probs": [probs_dist.logits.tolist(), probs_dist.entropy().item(),
                   probs_dist.log_prob(torch.tensor(2)).item(), probs_dist.mean.isnan().item()]}))
