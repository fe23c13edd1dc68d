"""REINFORCE on a small corridor environment written in Python (no gym): a policy network
with F.softmax, actions drawn with torch.multinomial, log-probabilities picked with
log_softmax().gather(), discounted returns computed backwards and normalised with
(r - r.mean()) / (r.std() + eps), an entropy bonus, torch.stack of episode terms, and
eps = np.finfo(np.float32).eps.item() as in the official example."""
import json
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"late_return": ("abs", 1.0), "success_rate": ("abs", 0.1),
           "returns_check": ("rel", 1e-6), "policy_sums": ("abs", 1e-5)}

torch.manual_seed(543)
random.seed(543)
eps = np.finfo(np.float32).eps.item()
gamma = 0.95


class Corridor:
    """Start in the middle of 7 cells; reaching the right end pays +10, every step costs 1."""

    def reset(self):
        self.pos = 3
        return self.obs()

    def obs(self):
        return torch.nn.functional.one_hot(torch.tensor(self.pos), 7).float()

    def step(self, action):
        self.pos = max(0, min(6, self.pos + (1 if action == 1 else -1)))
        done = self.pos == 6
        return self.obs(), (10.0 if done else -1.0), done


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.affine1 = nn.Linear(7, 32)
        self.affine2 = nn.Linear(32, 2)

    def forward(self, x):
        return self.affine2(F.relu(self.affine1(x)))


def discounted(rewards):
    R, returns = 0.0, []
    for r in reversed(rewards):
        R = r + gamma * R
        returns.insert(0, R)
    return torch.tensor(returns)


policy = Policy()
optimizer = torch.optim.Adam(policy.parameters(), lr=2e-2)
env = Corridor()
episode_returns, successes = [], []
for episode in range(80):
    state, log_probs, entropies, rewards = env.reset(), [], [], []
    for t in range(20):
        logits = policy(state)
        probs = F.softmax(logits, dim=-1)
        action = torch.multinomial(probs, 1)
        log_probs.append(F.log_softmax(logits, dim=-1).gather(0, action).squeeze())
        entropies.append(-(probs * probs.log()).sum())
        state, reward, done = env.step(action.item())
        rewards.append(reward)
        if done:
            break
    returns = discounted(rewards)
    returns = (returns - returns.mean()) / (returns.std() + eps) if len(returns) > 1 else returns * 0
    loss = -(torch.stack(log_probs) * returns).sum() - 0.01 * torch.stack(entropies).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    episode_returns.append(sum(rewards))
    successes.append(done)
    if episode % 20 == 0:
        print(f"Episode {episode}\tLast reward: {sum(rewards):.2f}")

with torch.no_grad():
    sums = F.softmax(policy(torch.eye(7)), dim=-1).sum(-1).tolist()
print("RESULT " + json.dumps({
    "early_return": float(np.mean(episode_returns[:20])), "late_return": float(np.mean(episode_returns[-20:])),
    "success_rate": float(np.mean(successes[-20:])),
    "returns_check": discounted([1.0, 0.0, 2.0]).tolist(), "policy_sums": sums}))
