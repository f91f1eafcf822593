"""Workshop kits: an organisation's content (journey, cows, prompts, skills, hiring profile), its checks, its files,
and the helpers of the authoring notebook."""
